// The subcommands of the hlscam executable. Each returns the process exit status:
// 0 success, 1 runtime failure, 2 bad usage or configuration.
#pragma once

#include <QStringList>

namespace hlscam::app {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int serve(const QStringList &args);
int users(const QStringList &args);
int bans(const QStringList &args);
int devices(const QStringList &args);
int configCheck(const QStringList &args);
int pattern(const QStringList &args);

}  // namespace hlscam::app
