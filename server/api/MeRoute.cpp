#include "api/MeRoute.h"

#include "camera/Camera.h"
#include "http/CameraAccessCheck.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSize>

namespace hlscam {

namespace {

// The size the camera sends: its settings, or (`auto`) the newest picture's.
QSize sentSize(const Camera &camera)
{
    const CameraSettings settings = camera.settings();
    if (settings.width > 0 && settings.height > 0)
        return {settings.width, settings.height};
    const TappedPicture newest = camera.latestPicture();
    return {newest.picture.width, newest.picture.height};
}

QJsonValue orNull(int v) { return v > 0 ? QJsonValue(v) : QJsonValue(); }

QJsonObject cameraEntry(const Camera &camera)
{
    const CameraStatus status = camera.status();
    const QSize size = sentSize(camera);
    const QString base = QStringLiteral("/cam/%1/").arg(camera.name());
    // The fault's kind only: the error text may name devices and paths a viewer has no use for.
    return QJsonObject{
        {QStringLiteral("name"), camera.name()},
        {QStringLiteral("state"), cameraStateName(status.state)},
        {QStringLiteral("fault"), status.fault == Fault::None ? QJsonValue() : QJsonValue(faultName(status.fault))},
        {QStringLiteral("width"), orNull(size.width())},
        {QStringLiteral("height"), orNull(size.height())},
        {QStringLiteral("fps"), camera.settings().fps},
        {QStringLiteral("playlist"), base + QStringLiteral("index.m3u8")},
        {QStringLiteral("snapshot"), base + QStringLiteral("snapshot.jpg")},
        {QStringLiteral("mjpeg"), base + QStringLiteral("stream.mjpg")},
        {QStringLiteral("whep"), base + QStringLiteral("whep")},
    };
}

}  // namespace

QList<Camera *> camerasVisibleTo(const RequestContext &request, const QList<Camera *> &cameras)
{
    // The same check as every camera route: the grid never shows a camera that would answer 403.
    QList<Camera *> visible;
    for (Camera *camera : cameras)
        if (maySeeCamera(request, camera->name()))
            visible.append(camera);
    return visible;
}

Response meRoute(const RequestContext &request, const QList<Camera *> &cameras)
{
    QJsonArray list;
    for (const Camera *camera : camerasVisibleTo(request, cameras))
        list.append(cameraEntry(*camera));
    const bool anonymous = request.user.isEmpty() && request.token.isEmpty();
    return Response::json(
        Status::Ok, QJsonObject{{QStringLiteral("user"), anonymous ? QJsonValue() : QJsonValue(request.user)},
                                {QStringLiteral("role"),
                                 request.role == Role::Admin ? QStringLiteral("admin") : QStringLiteral("viewer")},
                                {QStringLiteral("cameras"), list}});
}

}  // namespace hlscam
