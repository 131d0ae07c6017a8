#include "api/JsonBody.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace hlscam {

std::optional<Response> readJsonObject(const QByteArray &body, const QStringList &allowed, QJsonObject *out)
{
    *out = {};
    if (body.trimmed().isEmpty())
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isObject())
        return Response::jsonError(Status::BadRequest,
                                   QStringLiteral("the body is not a JSON object: %1").arg(error.errorString()));
    *out = doc.object();
    for (auto it = out->begin(); it != out->end(); ++it)
        if (!allowed.contains(it.key()))
            return Response::jsonError(Status::BadRequest,
                                       QStringLiteral("unknown field '%1' (allowed: %2)")
                                           .arg(it.key().left(64), allowed.join(QStringLiteral(", "))));
    return std::nullopt;
}

Response methodNotAllowed(const QByteArray &allow)
{
    return Response::jsonError(Status::MethodNotAllowed, QStringLiteral("method not allowed here"))
        .header("Allow", allow);
}

}  // namespace hlscam
