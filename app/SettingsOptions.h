// The options every subcommand shares (--config, --state-dir), and turning them into Settings.
#pragma once

#include "config/Settings.h"
#include "config/StatePaths.h"

#include <QCommandLineParser>
#include <optional>

namespace hlscam::app {

void addCommonOptions(QCommandLineParser &parser);
// --config, else /etc/hlscam/hlscam.conf when it exists, else empty (the built-in defaults).
QString configFileOf(const QCommandLineParser &parser);
// Loads the config file (--config, else /etc/hlscam/hlscam.conf when it exists, else the built-in
// defaults) and applies --state-dir. Prints the error and returns nullopt on a bad config.
std::optional<Settings> loadSettings(const QCommandLineParser &parser);
// Parses args (the subcommand's own, without the program name) or prints the error/help.
// Returns an exit status to stop with, or nullopt to go on.
std::optional<int> parseOrExit(QCommandLineParser &parser, const QStringList &args);

}  // namespace hlscam::app
