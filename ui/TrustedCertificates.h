// The HTTPS boards' certificates the person trusted on first use: one SHA-256 fingerprint per
// host:port, kept in the app's settings (QSettings, group "trusted-certificates").
#pragma once

#include <QString>

namespace hlscam::ui::trusted {

// The fingerprint trusted for `authority` ("host:port"), empty when none.
QString fingerprint(const QString &authority);
void remember(const QString &authority, const QString &fingerprint);
void forget(const QString &authority);

}  // namespace hlscam::ui::trusted
