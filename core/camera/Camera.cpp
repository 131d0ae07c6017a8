#include "camera/Camera.h"

namespace hlscam {

QString cameraStateName(CameraState s)
{
    switch (s) {
    case CameraState::Starting: return QStringLiteral("starting");
    case CameraState::Streaming: return QStringLiteral("streaming");
    case CameraState::Retrying: return QStringLiteral("retrying");
    case CameraState::Stopped: return QStringLiteral("stopped");
    }
    return {};
}

}  // namespace hlscam
