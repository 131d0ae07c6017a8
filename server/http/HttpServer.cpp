#include "http/HttpServer.h"

#include "Logging.h"
#include "api/ApiRoutes.h"
#include "auth/Authenticator.h"
#include "auth/BanStore.h"
#include "camera/Camera.h"
#include "hls/SegmentStore.h"
#include "http/ByteRange.h"
#include "http/CameraAccessCheck.h"
#include "http/CrossSiteCheck.h"
#include "http/LiveStreamGuard.h"
#include "http/MediaPath.h"
#include "http/MediaRoutes.h"
#include "http/Metrics.h"
#include "http/MetricsPage.h"
#include "http/Response.h"
#include "http/ViewerCounter.h"
#include "jpeg/JpegRoutes.h"
#include "net/Listener.h"
#include "webrtc/WhepRoutes.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QSysInfo>
#include <QTcpSocket>

namespace hlscam {

namespace {

using Method = QHttpServerRequest::Method;

// Equal, in a time that does not depend on where they differ.
bool sameSecret(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QByteArray headerValue(const QHttpServerRequest &request, const QByteArray &name)
{
    for (const auto &[key, value] : request.headers())
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

// A list header sent on several lines is one list, in order (RFC 9110 5.3): a proxy such as
// HAProxy appends its own X-Forwarded-For line after the client's.
QByteArray combinedHeader(const QHttpServerRequest &request, const QByteArray &name)
{
    QByteArray combined;
    for (const auto &[key, value] : request.headers()) {
        if (key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!combined.isEmpty())
            combined += ',';
        combined += value;
    }
    return combined;
}

QByteArray methodName(Method m)
{
    switch (m) {
    case Method::Get: return "GET";
    case Method::Head: return "HEAD";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Delete: return "DELETE";
    case Method::Options: return "OPTIONS";
    case Method::Patch: return "PATCH";
    default: return "OTHER";
    }
}

Response challenge(const QByteArray &message)
{
    return Response::text(Status::Unauthorized, message)
        .header("WWW-Authenticate", "Basic realm=\"hlscam\", charset=\"UTF-8\"");
}

}  // namespace

HttpServer::HttpServer(const QList<Camera *> &cameras, Authenticator *authenticator, BanStore *bans,
                       const Settings &settings, QObject *parent)
    : QAbstractHttpServer(parent),
      m_auth(authenticator),
      m_cameras(cameras),
      m_metricsToken(settings.server.metricsToken.toLatin1()),
      m_bans(bans),
      m_media(new MediaRoutes(cameras, settings.hls, settings.server.maxHeldRequests, this)),
      m_jpeg(new JpegRoutes(cameras, this)),
      m_liveStreams(new LiveStreamGuard(authenticator, this)),
      m_trustedProxies(settings.server.trustedProxies),
      // The names a certificate is ordered for are this service's own.
      m_hosts(settings.server.hostnames + settings.tls.acmeDomains, QSysInfo::machineHostName()),
      m_anonymousViewers(settings.auth.anonymousViewers)
{
    QStringList names;
    for (const Camera *camera : cameras)
        names << camera->name();
    m_viewers = std::make_unique<ViewerCounter>(names);
    m_api = new ApiRoutes(authenticator, bans, cameras, m_viewers.get(), settings.paths, this);
    m_api->setJpegRoutes(m_jpeg);
    m_uptime.start();
}

HttpServer::~HttpServer() = default;

Response HttpServer::metrics() const
{
    const MetricsSources sources{m_cameras,          m_viewers.get(), m_listener, m_bans,
                                 m_uptime.elapsed(), m_webrtc,        m_jpeg,     m_acme};
    return Response::content("text/plain; version=0.0.4; charset=utf-8", renderMetrics(sources), "no-store");
}

int HttpServer::viewers(const QString &camera) { return m_viewers->count(camera, QDateTime::currentMSecsSinceEpoch()); }

void HttpServer::bindListener(Listener *listener)
{
    m_listener = listener;
    bind(listener);
    // After the answer that caused the ban is on its way, close the address's other connections.
    connect(m_bans, &BanStore::banned, listener, &Listener::dropAddress, Qt::QueuedConnection);
}

void HttpServer::setAcme(const AcmeCertificate *acme)
{
    m_acme = acme;
    m_api->setAcme(acme);
}

void HttpServer::setWebRtc(WebRtcServer *webrtc)
{
    m_webrtc = webrtc;
    m_api->setWebRtc(webrtc);
    m_liveStreams->setWebRtc(webrtc);
}

std::optional<QHostAddress> HttpServer::clientOf(const QHttpServerRequest &request) const
{
    const QHostAddress peer = canonicalAddress(request.remoteAddress());
    if (m_trustedProxies.isEmpty() || !m_trustedProxies.contains(peer))
        return peer;  // anyone can write X-Forwarded-For: believed only from our own proxies
    const QByteArray forwarded = combinedHeader(request, "x-forwarded-for");
    if (forwarded.isEmpty())
        return peer;
    // Right to left: the nearest address our proxies did not add is the client.
    const QList<QByteArray> hops = forwarded.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        const QHostAddress hop(QString::fromLatin1(hops[i].trimmed()));
        if (hop.isNull())
            return std::nullopt;
        if (!m_trustedProxies.contains(hop) || i == 0)
            return canonicalAddress(hop);
    }
    return peer;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (m_listener)
        m_listener->requestDispatched(socket);
    auto ctx = std::make_shared<RequestContext>(makeResponder(request, socket));
    ctx->socket = socket;
    ctx->method = request.method();
    ctx->headOnly = ctx->method == Method::Head;
    ctx->path = request.url().path();

    const std::optional<QHostAddress> client = clientOf(request);
    if (!client) {
        send(ctx->responder, Response::text(Status::BadRequest, "malformed X-Forwarded-For"), ctx->headOnly, "refused");
        return true;
    }
    ctx->client = *client;
    if (m_bans->isBanned(ctx->client)) {
        if (ctx->client == canonicalAddress(request.remoteAddress())) {
            socket->abort();  // a connection opened before the ban: treated as a new one would be
        } else {
            send(ctx->responder, Response::text(Status::Forbidden, "banned"), ctx->headOnly, "refused");
        }
        return true;
    }
    qCDebug(lcHttp).noquote() << ctx->client.toString() << methodName(ctx->method) << ctx->path;
    const QByteArray host = headerValue(request, "host");
    if (host != combinedHeader(request, "host")) {
        // Two Host lines (RFC 9112 3.2: a 400): a proxy and we might each believe another one.
        send(ctx->responder, Response::text(Status::BadRequest, "more than one Host header"), ctx->headOnly, "refused");
        return true;
    }
    if (!m_hosts.allows(host)) {
        send(ctx->responder,
             Response::text(Status::MisdirectedRequest,
                            "this service does not answer to the name '" + HostCheck::nameOf(host).left(100).toUtf8() +
                                "' (a hostile name pointed at it?); if it is yours, add it to [server] hostnames"),
             ctx->headOnly, "refused");
        return true;
    }

    // WHEP: POST on the endpoint, DELETE on a session; OPTIONS without credentials answered
    // before authentication (a preflight carries none; it grants no other origin anything: no
    // CORS headers). An OPTIONS of the endpoint with credentials is authenticated like the POST
    // (failures count toward bans) and answered with the ICE servers (WhepRoutes); so is one
    // without, when anonymous viewers may watch, unless it is a preflight.
    const std::optional<WhepPath> whep = parseWhepPath(ctx->path);
    const QByteArray authorization = headerValue(request, "authorization");
    ctx->query = QUrlQuery(request.url());
    if (whep) {
        const bool options = ctx->method == Method::Options;
        const bool credentials =
            !authorization.isEmpty() || !ctx->query.queryItemValue(QStringLiteral("token")).isEmpty();
        const bool anonymousAsks =
            m_anonymousViewers && headerValue(request, "access-control-request-method").isEmpty();
        const bool allowed = whep->session.isEmpty()
                                 ? ctx->method == Method::Post || (options && (credentials || anonymousAsks))
                                 : ctx->method == Method::Delete;
        if (options && !allowed) {
            send(ctx->responder, whepOptions(*whep), false, "whep");
            return true;
        }
        if (!allowed) {  // PATCH (trickle ICE) included: all our candidates are in the answer
            send(ctx->responder,
                 Response::text(Status::MethodNotAllowed, "method not allowed").header("Allow", whepAllow(*whep)),
                 false, "refused");
            return true;
        }
        const CrossSiteHeaders headers{host,
                                       headerValue(request, "origin"),
                                       headerValue(request, "sec-fetch-site"),
                                       headerValue(request, "content-type"),
                                       !request.body().isEmpty(),
                                       "application/sdp"};
        if (const std::optional<Response> refusal = refuseCrossSite(headers)) {
            send(ctx->responder, *refusal, false, "refused");
            return true;
        }
    }

    // Only the API takes other methods than GET and HEAD; refuse the rest before any hashing.
    const bool api = ctx->path.startsWith(QLatin1String("/api/"));
    const bool readOnly = ctx->method == Method::Get || ctx->method == Method::Head;
    const bool apiMethod =
        readOnly || ctx->method == Method::Post || ctx->method == Method::Put || ctx->method == Method::Delete;
    if (!whep && !(api ? apiMethod : readOnly)) {
        send(ctx->responder,
             Response::text(Status::MethodNotAllowed, "method not allowed")
                 .header("Allow", api ? "GET, HEAD, POST, PUT, DELETE" : "GET, HEAD"),
             false, "refused");
        return true;
    }
    if (api && !readOnly) {
        const CrossSiteHeaders headers{host, headerValue(request, "origin"), headerValue(request, "sec-fetch-site"),
                                       headerValue(request, "content-type"), !request.body().isEmpty()};
        if (const std::optional<Response> refusal = refuseCrossSite(headers)) {
            send(ctx->responder, *refusal, false, "refused");
            return true;
        }
    }
    if (ctx->path == QLatin1String("/healthz")) {
        send(ctx->responder, Response::text(Status::Ok, "ok"), ctx->headOnly, "healthz");
        return true;
    }
    ctx->body = request.body();
    // Kept raw (parsed only for authenticated media requests). With If-Range the range holds
    // only if a validator matches, and media carry none (RFC 9110 13.1.5): send them whole.
    if (const QByteArray range = headerValue(request, "range");
        range.size() <= kMaxRangeHeader && headerValue(request, "if-range").isEmpty())
        ctx->range = range;

    // A URL token opens one camera's media; anything else needs Basic credentials.
    const QByteArray token = ctx->query.queryItemValue(QStringLiteral("token"), QUrl::FullyEncoded).toLatin1();
    const MediaPath media = ctx->path.startsWith(QLatin1String("/cam/")) ? parseMediaPath(ctx->path) : MediaPath{};
    if (whep && authorization.startsWith("Bearer ")) {
        // WHEP players send a URL token this way (the WHEP draft's bearer token).
        const QByteArray bearer = authorization.mid(7).trimmed();
        const AuthResult result = m_auth->checkToken(bearer, whep->camera);
        if (result.outcome == AuthResult::Outcome::Ok)
            ctx->token = bearer;
        authenticated(ctx, result);
        return true;
    }
    if (!token.isEmpty() && authorization.isEmpty() && (media.kind != MediaPath::Kind::Invalid || whep)) {
        const AuthResult result = m_auth->checkToken(token, whep ? whep->camera : media.camera);
        if (result.outcome == AuthResult::Outcome::Ok)
            ctx->token = token;
        authenticated(ctx, result);
        return true;
    }
    // The page's camera list is part of watching (GET /api/v1/me), not of the admin API.
    const bool pageApi = ctx->path == QLatin1String("/api/v1/me") && readOnly;
    if (m_anonymousViewers && authorization.isEmpty() && (!api || pageApi)) {
        // A public camera: watching needs no password; an Authorization header is still checked.
        authenticated(ctx, AuthResult{AuthResult::Outcome::Ok, {}, Role::Viewer, CameraAccess::everyCamera()});
        return true;
    }
    if (ctx->path == QLatin1String("/metrics") && authorization.startsWith("Bearer ")) {
        // A Prometheus scraper: the configured token, compared in constant time, or a failure
        // that counts toward a ban like a wrong password.
        const QByteArray offered = authorization.mid(7).trimmed();
        const bool ok = !m_metricsToken.isEmpty() && sameSecret(offered, m_metricsToken);
        if (!ok) {
            authenticated(ctx, AuthResult{AuthResult::Outcome::BadToken, {}, Role::Viewer});
            return true;
        }
        send(ctx->responder, metrics(), ctx->headOnly, "metrics");
        return true;
    }
    m_auth->checkBasic(authorization, this, [this, ctx](const AuthResult &result) { authenticated(ctx, result); });
    return true;
}

void HttpServer::authenticated(const RequestPtr &ctx, const AuthResult &result)
{
    if (result.isFailure()) {
        // Counted even when the client has hung up already: a guesser that closes right after
        // sending never waits for the answer. Answered once the ban this failure makes, if any,
        // is on disk (written off the event loop): an answered ban survives a kill -9. Other
        // failures are answered at once.
        Metrics::instance().authFailure(outcomeName(result.outcome).toUtf8());
        m_bans->recordFailure(ctx->client, outcomeName(result.outcome), this, [ctx] {
            if (!ctx->gone())
                send(ctx->responder, challenge("authentication failed"), ctx->headOnly, "auth");
        });
        return;
    }
    if (ctx->gone())
        return;
    switch (result.outcome) {
    case AuthResult::Outcome::NoCredentials:
        send(ctx->responder, challenge("authentication required"), ctx->headOnly, "auth");
        return;
    case AuthResult::Outcome::Busy:
        send(
            ctx->responder,
            Response::text(Status::ServiceUnavailable, "busy checking passwords, try again").header("Retry-After", "1"),
            ctx->headOnly, "auth");
        return;
    default: break;
    }
    ctx->user = result.user;
    ctx->role = result.role;
    ctx->cameras = result.cameras;
    route(ctx);
}

void HttpServer::route(const RequestPtr &ctx)
{
    const QString &path = ctx->path;
    if (const std::optional<WhepPath> whep = parseWhepPath(path)) {
        if (!maySeeCamera(*ctx, whep->camera)) {
            send(ctx->responder, cameraForbidden(whep->camera), false, "refused");
            return;
        }
        const QHostAddress local = ctx->socket ? ctx->socket->localAddress() : QHostAddress();
        const Response answer = handleWhep(m_webrtc, *whep, *ctx, local);
        for (const auto &[name, value] : answer.headers)
            if (answer.status == Status::Created && name == "Location")
                m_liveStreams->watchWebRtc(*ctx, whep->camera, value);
        send(ctx->responder, answer, false, "whep");
    } else if (path.startsWith(QLatin1String("/cam/"))) {
        MediaRequest media{parseMediaPath(path), ctx->query, {}, ctx->headOnly, ctx->range};
        if (!ctx->token.isEmpty())
            media.uriQuery = "?token=" + ctx->token;
        if (media.path.kind != MediaPath::Kind::Invalid && !maySeeCamera(*ctx, media.path.camera)) {
            send(ctx->responder, cameraForbidden(media.path.camera), ctx->headOnly, "refused");
            return;
        }
        if (media.path.kind != MediaPath::Kind::Invalid) {
            const QByteArray who =
                ctx->client.toString().toLatin1() + ' ' + (ctx->token.isEmpty() ? ctx->user.toUtf8() : ctx->token);
            m_viewers->seen(media.path.camera, who, QDateTime::currentMSecsSinceEpoch());
        }
        if (media.path.kind == MediaPath::Kind::Snapshot) {
            m_jpeg->snapshot(media.path.camera, ctx->query, ctx->headOnly, std::move(ctx->responder), ctx->socket);
        } else if (media.path.kind == MediaPath::Kind::Mjpeg) {
            const bool streaming =
                m_jpeg->mjpeg(media.path.camera, ctx->query, ctx->headOnly, std::move(ctx->responder), ctx->socket);
            if (streaming && m_listener)
                m_listener->streaming(ctx->socket);
            if (streaming)
                m_liveStreams->watchMjpeg(*ctx, media.path.camera, ctx->socket);
        } else {
            m_media->handle(media, std::move(ctx->responder), ctx->socket);
        }
    } else if (path == QLatin1String("/metrics")) {
        send(ctx->responder,
             ctx->role == Role::Admin
                 ? metrics()
                 : Response::jsonError(Status::Forbidden, QStringLiteral("this needs an admin account")),
             ctx->headOnly, "metrics");
    } else if (path.startsWith(QLatin1String("/api/v1/")) || path == QLatin1String("/api/v1")) {
        const auto later = [ctx](const Response &response) {
            if (!ctx->gone())
                send(ctx->responder, response, ctx->headOnly, "api");
        };
        if (!m_api->answersLater(*ctx, later))
            send(ctx->responder, m_api->handle(*ctx), ctx->headOnly, "api");
    } else if (const std::optional<Response> page = m_page.find(path)) {
        send(ctx->responder, *page, ctx->headOnly, path == QLatin1String("/player.js") ? "player" : "page");
    } else {
        send(ctx->responder, Response::text(Status::NotFound, "not found"), ctx->headOnly, "other");
    }
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    send(responder, Response::text(Status::NotFound, "not found"), false, "other");
}

}  // namespace hlscam
