#include "api/UserRoutes.h"

#include "api/JsonBody.h"
#include "auth/Authenticator.h"
#include "auth/UserChange.h"

#include <QJsonArray>
#include <QJsonObject>

namespace hlscam {

namespace {

using Method = QHttpServerRequest::Method;
using Outcome = UserChangeResult::Outcome;

Response changed(const UserChangeResult &result, Authenticator *auth, Status success, const QJsonObject &body)
{
    switch (result.outcome) {
    case Outcome::Done:
        auth->reload();  // in force now, not when the file watcher notices
        return Response::json(success, body);
    case Outcome::Invalid: return Response::jsonError(Status::BadRequest, result.message);
    case Outcome::NotFound: return Response::jsonError(Status::NotFound, result.message);
    case Outcome::Exists:
    case Outcome::LastAdmin: return Response::jsonError(Status::Conflict, result.message);
    case Outcome::Failed: break;
    }
    return Response::jsonError(Status::InternalServerError, result.message);
}

// JSON for a user's cameras: the names, or null for every camera ([] when none: a line in error).
QJsonValue camerasJson(const CameraAccess &cameras)
{
    return cameras.all ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonArray::fromStringList(cameras.names));
}

// `cameras`: null for every camera, or an array of names of this service's cameras.
std::optional<Response> readCameras(const QJsonValue &value, const QStringList &known, UserChange &change)
{
    if (value.isNull()) {
        change.cameras = CameraAccess::everyCamera();
        return std::nullopt;
    }
    const auto bad = [](const QString &why) {
        return Response::jsonError(Status::BadRequest, why);
    };
    if (!value.isArray())
        return bad(QStringLiteral("cameras is an array of camera names, or null for every camera"));
    QStringList names;
    const QJsonArray array = value.toArray();
    for (const auto &v : array) {
        if (!v.isString())
            return bad(QStringLiteral("cameras is an array of camera names, or null for every camera"));
        names << v.toString();
    }
    const Result<CameraAccess> list = cameraListOf(names);
    if (!list.ok())
        return bad(list.error().message);
    // Unlike a hand-edited file (kept, warned about), a typo here is refused: it would lock out.
    for (const QString &name : list.value().names)
        if (!known.contains(name))
            return bad(QStringLiteral("no camera '%1' (cameras: %2)").arg(name, known.join(QStringLiteral(", "))));
    change.cameras = list.value();
    return std::nullopt;
}

// The body's password, role and cameras, checked; `change` gets them.
std::optional<Response> readFields(const QJsonObject &in, const QStringList &cameraNames, UserChange &change)
{
    const QJsonValue password = in.value(QStringLiteral("password"));
    if (!password.isUndefined()) {
        if (!password.isString())
            return Response::jsonError(Status::BadRequest, QStringLiteral("password is a string"));
        change.password = password.toString();
    }
    const QJsonValue role = in.value(QStringLiteral("role"));
    if (!role.isUndefined()) {
        change.role = parseRole(role.toString());
        if (!change.role)
            return Response::jsonError(Status::BadRequest, QStringLiteral("role is viewer or admin"));
    }
    const QJsonValue cameras = in.value(QStringLiteral("cameras"));
    if (!cameras.isUndefined())
        return readCameras(cameras, cameraNames, change);
    return std::nullopt;
}

}  // namespace

Response userRoutes(const RequestContext &request, const QString &name, Authenticator *auth)
{
    if (name.isEmpty()) {
        if (request.method == Method::Get || request.method == Method::Head) {
            QJsonArray out;
            for (const User &u : auth->users())
                out.append(QJsonObject{{QStringLiteral("name"), u.name},
                                       {QStringLiteral("role"), roleName(u.role)},
                                       {QStringLiteral("cameras"), camerasJson(u.cameras)}});
            return Response::json(Status::Ok, out);
        }
        if (request.method != Method::Post)
            return methodNotAllowed("GET, HEAD, POST");
        QJsonObject in;
        if (auto bad = readJsonObject(
                request.body,
                {QStringLiteral("name"), QStringLiteral("password"), QStringLiteral("role"), QStringLiteral("cameras")},
                &in))
            return *bad;
        UserChange change{UserChange::Kind::Add, in.value(QStringLiteral("name")).toString(), {}, Role::Viewer};
        if (auto bad = readFields(in, auth->cameraNames(), change))
            return *bad;
        const UserChangeResult result = applyUserChange(auth->usersPath(), change);
        return changed(result, auth, Status::Created,
                       QJsonObject{{QStringLiteral("name"), change.name},
                                   {QStringLiteral("role"), roleName(*change.role)},
                                   {QStringLiteral("cameras"),
                                    camerasJson(change.cameras.value_or(CameraAccess::everyCamera()))}});
    }

    if (request.method == Method::Delete) {
        const UserChangeResult result = applyUserChange(auth->usersPath(), {UserChange::Kind::Remove, name, {}, {}});
        return changed(result, auth, Status::Ok, QJsonObject{{QStringLiteral("removed"), name}});
    }
    if (request.method != Method::Put)
        return methodNotAllowed("PUT, DELETE");
    QJsonObject in;
    if (auto bad = readJsonObject(request.body,
                                  {QStringLiteral("password"), QStringLiteral("role"), QStringLiteral("cameras")}, &in))
        return *bad;
    UserChange change{UserChange::Kind::Update, name, {}, {}};
    if (auto bad = readFields(in, auth->cameraNames(), change))
        return *bad;
    const UserChangeResult result = applyUserChange(auth->usersPath(), change);
    QJsonObject out{{QStringLiteral("name"), name}};
    if (change.role)
        out.insert(QStringLiteral("role"), roleName(*change.role));
    if (change.password)
        out.insert(QStringLiteral("password_changed"), true);
    if (change.cameras)
        out.insert(QStringLiteral("cameras"), camerasJson(*change.cameras));
    return changed(result, auth, Status::Ok, out);
}

}  // namespace hlscam
