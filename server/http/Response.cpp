#include "http/Response.h"

#include "http/Metrics.h"
#include "net/StrictTransport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hlscam {

Response Response::text(Status status, const QByteArray &message)
{
    Response r;
    r.status = status;
    r.contentType = "text/plain; charset=utf-8";
    r.body = message + '\n';
    r.header("Cache-Control", "no-store");
    return r;
}

Response Response::content(const QByteArray &type, const QByteArray &body, const QByteArray &cacheControl)
{
    Response r;
    r.contentType = type;
    r.body = body;
    r.header("Cache-Control", cacheControl);
    return r;
}

Response Response::json(Status status, const QJsonValue &value)
{
    Response r;
    r.status = status;
    r.contentType = "application/json";
    r.body = (value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject()))
                 .toJson(QJsonDocument::Compact) +
             '\n';
    r.header("Cache-Control", "no-store");
    return r;
}

Response Response::jsonError(Status status, const QString &message)
{
    return json(status, QJsonObject{{QStringLiteral("error"), message}});
}

void send(QHttpServerResponder &responder, const Response &response, bool headOnly, const char *route)
{
    const QByteArrayView payload = response.payload();
    Metrics::instance().answered(route, int(response.status), headOnly ? 0 : payload.size());
    responder.writeStatusLine(response.status);
    if (!response.contentType.isEmpty())
        responder.writeHeader("Content-Type", response.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(payload.size()));
    responder.writeHeader("X-Content-Type-Options", "nosniff");
    // Over HTTPS with a real certificate, browsers are told to use nothing else for this name
    // for a year: a later http:// link or a downgrade on a hostile network cannot expose the
    // password.
    if (strictTransport(responder.socket()))
        responder.writeHeader("Strict-Transport-Security", "max-age=31536000");
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    if (headOnly || payload.isEmpty())
        responder.writeBody("", 0);  // ends the header block
    else
        responder.writeBody(payload.data(), payload.size());
}

}  // namespace hlscam
