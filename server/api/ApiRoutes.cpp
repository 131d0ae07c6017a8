#include "api/ApiRoutes.h"

#include "Limits.h"
#include "api/CameraUpdate.h"
#include "api/JsonBody.h"
#include "api/MeRoute.h"
#include "api/UserRoutes.h"
#include "auth/Authenticator.h"
#include "auth/BanStore.h"
#include "camera/Camera.h"
#include "config/AddressRange.h"
#include "http/CameraAccessCheck.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace hlscam {

namespace {

using Method = QHttpServerRequest::Method;

QString isoTime(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate); }

Response adminOnly() { return Response::jsonError(Status::Forbidden, QStringLiteral("this needs an admin account")); }

}  // namespace

ApiRoutes::ApiRoutes(Authenticator *auth, BanStore *bans, const QList<Camera *> &cameras, ViewerCounter *viewers,
                     const PathSettings &paths, QObject *parent)
    : QObject(parent),
      m_auth(auth),
      m_bans(bans),
      m_cameras(cameras),
      m_paths(paths),
      m_status(cameras, viewers)
{
    for (const Camera *p : cameras)
        m_cameraNames << p->name();
}

Response ApiRoutes::handle(const RequestContext &request)
{
    const QString path = request.path.mid(QStringLiteral("/api/v1").size());
    const bool admin = request.role == Role::Admin;
    if (path == QLatin1String("/tokens")) {
        if (request.method != Method::Post)
            return methodNotAllowed("POST");
        return tokens(request);
    }
    if (path == QLatin1String("/me")) {  // any caller: the viewer page's camera list
        if (request.method != Method::Get && request.method != Method::Head)
            return methodNotAllowed("GET, HEAD");
        return meRoute(request, m_cameras);
    }
    if (path == QLatin1String("/bans")) {
        if (request.method != Method::Get && request.method != Method::Head)
            return methodNotAllowed("GET, HEAD");
        return admin ? listBans() : adminOnly();
    }
    if (path.startsWith(QLatin1String("/bans/"))) {
        if (request.method != Method::Delete)
            return methodNotAllowed("DELETE");
        return admin ? unban(request, path.mid(6)) : adminOnly();
    }
    const bool read = request.method == Method::Get || request.method == Method::Head;
    // A camera's own routes (settings, controls) ask the one camera check too, before the role.
    if (path.startsWith(QLatin1String("/cameras/")) && !maySeeCamera(request, path.mid(9).section(u'/', 0, 0)))
        return cameraForbidden(path.mid(9).section(u'/', 0, 0));
    if (path.startsWith(QLatin1String("/cameras/")) && request.method == Method::Put) {
        if (!admin)
            return adminOnly();
        for (Camera *p : std::as_const(m_cameras))
            if (p->name() == path.mid(9))
                return updateCamera(p, request.body, m_paths);
        return Response::jsonError(Status::NotFound, QStringLiteral("no camera '%1'").arg(path.mid(9).left(64)));
    }
    if (path == QLatin1String("/status") || path == QLatin1String("/devices") || path == QLatin1String("/cameras") ||
        path.startsWith(QLatin1String("/cameras/"))) {
        if (!read)
            return methodNotAllowed(path.startsWith(QLatin1String("/cameras/")) ? "GET, HEAD, PUT" : "GET, HEAD");
        if (!admin)
            return adminOnly();
        if (path == QLatin1String("/status"))
            return m_status.status();
        if (path == QLatin1String("/devices"))
            return m_status.devices();
        return path == QLatin1String("/cameras") ? m_status.cameras() : m_status.camera(path.mid(9));
    }
    if (path == QLatin1String("/users") || path.startsWith(QLatin1String("/users/")))
        return admin ? userRoutes(request, path.mid(7), m_auth) : adminOnly();
    return Response::jsonError(Status::NotFound, QStringLiteral("no such API route: %1").arg(request.path.left(100)));
}

bool ApiRoutes::answersLater(const RequestContext &request, const Answer &answer)
{
    static const QRegularExpression controls(QStringLiteral("^/api/v1/cameras/([^/]*)/controls$"));
    const QRegularExpressionMatch m = controls.match(request.path);
    if (!m.hasMatch())
        return false;
    const bool read = request.method == Method::Get || request.method == Method::Head;
    if (!read && request.method != Method::Put) {
        answer(methodNotAllowed("GET, HEAD, PUT"));
        return true;
    }
    // As the camera's other settings: an admin's to read and to change.
    if (!maySeeCamera(request, m.captured(1))) {
        answer(cameraForbidden(m.captured(1)));
        return true;
    }
    if (request.role != Role::Admin) {
        answer(adminOnly());
        return true;
    }
    const QString name = m.captured(1);
    for (Camera *camera : std::as_const(m_cameras)) {
        if (camera->name() != name)
            continue;
        if (read)
            readCameraControls(camera, this, answer);
        else
            writeCameraControls(camera, request.body, m_paths, this, answer);
        return true;
    }
    answer(Response::jsonError(Status::NotFound, QStringLiteral("no camera '%1'").arg(name.left(64))));
    return true;
}

Response ApiRoutes::tokens(const RequestContext &request)
{
    QJsonObject in;
    if (auto bad = readJsonObject(request.body,
                                  {QStringLiteral("camera"), QStringLiteral("ttl"), QStringLiteral("role")}, &in))
        return *bad;

    // By default the first camera the user may see.
    QString firstVisible;
    for (const QString &name : std::as_const(m_cameraNames)) {
        if (maySeeCamera(request, name)) {
            firstVisible = name;
            break;
        }
    }
    if (firstVisible.isEmpty())
        return Response::jsonError(Status::Forbidden, QStringLiteral("your account may see none of these cameras"));
    const QString camera = in.value(QStringLiteral("camera")).toString(firstVisible);
    if (camera != QLatin1String("*") && !m_cameraNames.contains(camera))
        return Response::jsonError(Status::BadRequest, QStringLiteral("no camera '%1' (cameras: %2, or * for all)")
                                                           .arg(camera, m_cameraNames.join(QStringLiteral(", "))));
    // A token never reaches beyond its user's cameras: checked here, and again at each use (so
    // narrowing the user's cameras later cuts it too). "*" is every camera the user may see.
    if (camera != QLatin1String("*") && !maySeeCamera(request, camera))
        return cameraForbidden(camera);
    const bool admin = request.role == Role::Admin;
    const AuthSettings &lifetimes = m_auth->settings();
    const qint64 maxTtl = admin ? lifetimes.adminTokenLifetimeMaxS : lifetimes.tokenLifetimeMaxS;
    const QJsonValue ttlValue = in.value(QStringLiteral("ttl"));
    const double ttl = ttlValue.isUndefined() ? double(lifetimes.tokenLifetimeS) : ttlValue.toDouble(-1);
    if (ttl < double(limits::kMinTokenSeconds) || ttl > double(maxTtl) || ttl != double(qint64(ttl)))
        return Response::jsonError(Status::BadRequest,
                                   QStringLiteral("ttl is whole seconds from %1 to %2 for your role")
                                       .arg(limits::kMinTokenSeconds)
                                       .arg(maxTtl));
    const QString roleText = in.value(QStringLiteral("role")).toString(QStringLiteral("viewer"));
    if (roleText != QLatin1String("viewer") && roleText != QLatin1String("admin"))
        return Response::jsonError(Status::BadRequest, QStringLiteral("role is viewer or admin"));
    if (roleText == QLatin1String("admin") && !admin)
        return adminOnly();

    const Role role = roleText == QLatin1String("admin") ? Role::Admin : Role::Viewer;
    const QByteArray token = m_auth->issueToken(request.user, camera, role, qint64(ttl));
    if (token.isEmpty())
        return Response::jsonError(Status::Forbidden, QStringLiteral("your account was just removed"));
    const QString playlistCamera = camera == QLatin1String("*") ? firstVisible : camera;
    return Response::json(
        Status::Created,
        QJsonObject{{QStringLiteral("token"), QString::fromLatin1(token)},
                    {QStringLiteral("camera"), camera},
                    {QStringLiteral("role"), roleText},
                    {QStringLiteral("expires"), isoTime((QDateTime::currentSecsSinceEpoch() + qint64(ttl)) * 1000)},
                    {QStringLiteral("url"),
                     QStringLiteral("/cam/%1/index.m3u8?token=%2").arg(playlistCamera, QString::fromLatin1(token))}});
}

Response ApiRoutes::listBans() const
{
    QJsonArray out;
    for (const BanInfo &b : m_bans->bans())
        out.append(QJsonObject{
            {QStringLiteral("address"), b.address},
            {QStringLiteral("banned_at"), isoTime(b.bannedAtMs)},
            {QStringLiteral("banned_until"), b.bannedUntilMs < 0 ? QJsonValue() : QJsonValue(isoTime(b.bannedUntilMs))},
            {QStringLiteral("ban_count"), b.banCount}});
    return Response::json(Status::Ok, out);
}

Response ApiRoutes::unban(const RequestContext &request, const QString &address)
{
    // An address (lifts the ban of its IPv6 network too) or a network such as 2001:db8::/64.
    const std::optional<QPair<QHostAddress, int>> range = parseAddressRange(address);
    if (!range)
        return Response::jsonError(Status::BadRequest,
                                   QStringLiteral("'%1' is not an IP address or network").arg(address.left(100)));
    const Result<QStringList> unbanned =
        m_bans->unban(range->first, range->second, QStringLiteral("lifted by %1 through the API").arg(request.user));
    if (!unbanned.ok())
        return Response::jsonError(Status::InternalServerError,
                                   QStringLiteral("unbanned, but not saved: %1").arg(unbanned.error().message));
    const QStringList &lifted = unbanned.value();
    if (lifted.isEmpty()) {
        const bool one = !address.contains(u'/');
        return Response::jsonError(
            Status::NotFound,
            QStringLiteral("%1 is not banned").arg(one ? m_bans->key(range->first) : address.left(100)));
    }
    return Response::json(Status::Ok, QJsonObject{{QStringLiteral("unbanned"), lifted.join(u' ')}});
}

}  // namespace hlscam
