// How a service's settings are put together, once for `hlscam serve` (at start and at each
// SIGHUP) and the desktop app's local mode: the config file (or the built-in defaults), the
// starter's state directory, the camera changes made through the API (cameras.conf there), and
// last the starter's own overrides (the command line's --listen and --source; the local mode's
// loopback address).
#pragma once

#include "Error.h"
#include "config/Settings.h"

#include <QStringList>
#include <optional>

namespace hlscam {

struct SettingsSources {
    QString configFile;               // empty: the built-in defaults
    std::optional<QString> stateDir;  // over [paths] state_dir
    std::optional<QString> listen;    // over [server] listen: ADDR:PORT
    std::optional<QString> source;    // over the first camera's device
};

struct AssembledSettings {
    Settings settings;
    QStringList notes;  // worth a line in the log, not an error
};

// Fails with Fault::Config naming the file and line, or the override (Fault::Io when
// cameras.conf cannot be read).
Result<AssembledSettings> assembleSettings(const SettingsSources &sources);

}  // namespace hlscam
