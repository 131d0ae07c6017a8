// What `systemctl reload` (SIGHUP) can apply to a running service without dropping viewers:
// a camera whose settings changed restarts its own pipeline (players see a discontinuity, not
// an error). Sections that shape the listening socket, the routes or the stores need a restart;
// the plan names them so the log can say so.
#pragma once

#include "config/Settings.h"

#include <QList>
#include <QStringList>

namespace hlscam {

struct ReloadPlan {
    QList<CameraSettings> camerasToRestart;  // same name, new settings
    QStringList needRestart;                 // what changed but applies only at the next start
};

ReloadPlan planReload(const Settings &running, const Settings &loaded);

}  // namespace hlscam
