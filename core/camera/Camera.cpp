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

namespace {
// Answers later from the event loop, as a camera with a device does: callers get one behaviour.
void answerLater(QObject *context, Camera::ControlsDone done, Result<QList<CameraControl>> result)
{
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result = std::move(result)] { done(result); }, Qt::QueuedConnection);
}
}  // namespace

void Camera::readControls(QObject *context, ControlsDone done)
{
    answerLater(context, std::move(done), QList<CameraControl>{});
}

void Camera::writeControls(const ControlValues &values, QObject *context, ControlsDone done)
{
    if (values.isEmpty())
        return answerLater(context, std::move(done), QList<CameraControl>{});
    answerLater(
        context, std::move(done),
        Error{Fault::InvalidValue, QStringLiteral("%1: no such control (%2 has none)").arg(values.firstKey(), name())});
}

}  // namespace hlscam
