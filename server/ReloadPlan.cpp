#include "ReloadPlan.h"

namespace hlscam {

namespace {
QStringList cameraNames(const Settings &s)
{
    QStringList names;
    for (const CameraSettings &c : s.cameras)
        names << c.name;
    return names;
}
}  // namespace

ReloadPlan planReload(const Settings &running, const Settings &loaded)
{
    ReloadPlan plan;
    if (cameraNames(running) != cameraNames(loaded))
        plan.needRestart << QStringLiteral("cameras added, removed or reordered");
    for (const CameraSettings &now : loaded.cameras)
        for (const CameraSettings &was : running.cameras)
            if (was.name == now.name && !(was == now))
                plan.camerasToRestart << now;
    if (!(running.server == loaded.server))
        plan.needRestart << QStringLiteral("[server]");
    if (!(running.hls == loaded.hls))
        plan.needRestart << QStringLiteral("[hls]");
    if (!(running.auth == loaded.auth))
        plan.needRestart << QStringLiteral("[auth]");
    if (!(running.bans == loaded.bans))
        plan.needRestart << QStringLiteral("[bans]");
    if (!(running.webrtc == loaded.webrtc))
        plan.needRestart << QStringLiteral("[webrtc]");
    if (!(running.tls == loaded.tls))
        plan.needRestart << QStringLiteral("[tls]");
    if (!(running.paths == loaded.paths))
        plan.needRestart << QStringLiteral("[paths]");
    return plan;
}

}  // namespace hlscam
