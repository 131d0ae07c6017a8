#include "http/HttpServer.h"

#include "Logging.h"
#include "auth/Authenticator.h"
#include "http/MediaPath.h"
#include "http/MediaRoutes.h"
#include "http/Response.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QTcpSocket>

namespace hlscam {

namespace {

QByteArray resource(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("hlscam: resource %s is missing from the binary", qPrintable(path));
    return f.readAll();
}

QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers())
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

QByteArray outcomeName(AuthResult::Outcome o)
{
    switch (o) {
    case AuthResult::Outcome::Ok: return "ok";
    case AuthResult::Outcome::NoCredentials: return "no-credentials";
    case AuthResult::Outcome::Malformed: return "malformed";
    case AuthResult::Outcome::UnknownUser: return "unknown-user";
    case AuthResult::Outcome::WrongPassword: return "wrong-password";
    }
    return "?";
}

}  // namespace

HttpServer::HttpServer(const QList<Pipeline *> &pipelines, Authenticator *authenticator,
                       const HlsSettings &hls, QObject *parent)
    : QAbstractHttpServer(parent),
      m_auth(authenticator),
      m_media(new MediaRoutes(pipelines, hls, this)),
      m_indexHtml(resource(QStringLiteral(":/www/index.html"))),
      m_playerJs(resource(QStringLiteral(":/www/player.js")))
{
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    const auto method = request.method();
    const bool head = method == QHttpServerRequest::Method::Head;
    if (method != QHttpServerRequest::Method::Get && !head) {
        send(responder, Response::text(Status::MethodNotAllowed, "method not allowed").header("Allow", "GET, HEAD"), false);
        return true;
    }
    const QString path = request.url().path();
    qCDebug(lcHttp).noquote() << request.remoteAddress().toString() << (head ? "HEAD" : "GET") << path;
    if (path == QLatin1String("/healthz")) {
        send(responder, Response::text(Status::Ok, "ok"), head);
        return true;
    }

    const AuthResult auth = m_auth->check(headerValue(request, "authorization"));
    if (auth.outcome != AuthResult::Outcome::Ok) {
        if (auth.outcome != AuthResult::Outcome::NoCredentials) {
            // One stable line per failure, with the address (a fail2ban filter can read it).
            qCWarning(lcAuth).noquote().nospace()
                << "authentication failure from " << request.remoteAddress().toString()
                << ": " << outcomeName(auth.outcome);
        }
        send(responder,
             Response::text(Status::Unauthorized, "authentication required")
                 .header("WWW-Authenticate", "Basic realm=\"hlscam\", charset=\"UTF-8\""),
             head);
        return true;
    }

    if (path == QLatin1String("/") || path == QLatin1String("/index.html")) {
        Response r = Response::content("text/html; charset=utf-8", m_indexHtml, "no-cache");
        r.header("Content-Security-Policy",
                 "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
                 "'unsafe-inline'; media-src 'self' blob:; worker-src 'self' blob:; "
                 "img-src 'self' data:; frame-ancestors 'self'");
        r.header("Referrer-Policy", "no-referrer");
        send(responder, r, head);
    } else if (path == QLatin1String("/player.js")) {
        send(responder, Response::content("text/javascript; charset=utf-8", m_playerJs, "max-age=3600"), head);
    } else if (path.startsWith(QLatin1String("/cam/"))) {
        MediaRequest media{parseMediaPath(path), QUrlQuery(request.url()), {}, head};
        m_media->handle(media, std::move(responder), socket);
    } else {
        send(responder, Response::text(Status::NotFound, "not found"), head);
    }
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    send(responder, Response::text(Status::NotFound, "not found"), false);
}

}  // namespace hlscam
