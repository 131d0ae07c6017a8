// Where a service keeps its state (users, bans, token key, camera changes made through the API).
#pragma once

#include "Error.h"
#include "config/Settings.h"

namespace hlscam {

// [paths] state_dir, else systemd's $STATE_DIRECTORY, /var/lib/hlscam as root, XDG's for a user.
QString stateDir(const Settings &settings);
// Creates the state directory (owner-only) when it is missing; fails with Fault::Io.
Error prepareStateDir(const Settings &settings);
QString usersFilePath(const Settings &settings);
QString bansFilePath(const Settings &settings);
QString cameraOverridesPath(const Settings &settings);
QString tokenKeyPath(const Settings &settings);

}  // namespace hlscam
