#include "webrtc/WhepRoutes.h"

#include "webrtc/IceServerLinks.h"
#include "webrtc/Sdp.h"
#include "webrtc/WebRtcServer.h"

#include <QDateTime>
#include <QRegularExpression>

namespace hlscam {

using Method = QHttpServerRequest::Method;

std::optional<WhepPath> parseWhepPath(QStringView path)
{
    // Anchored at the very end, like the media paths: no second name with a trailing newline.
    static const QRegularExpression whep(
        QRegularExpression::anchoredPattern(QStringLiteral("/cam/([A-Za-z0-9_-]{1,32})/whep(?:/([0-9a-f]{32}))?")));
    const QRegularExpressionMatch m = whep.match(path);
    if (!m.hasMatch())
        return std::nullopt;
    return WhepPath{m.captured(1), m.captured(2).toLatin1()};
}

QByteArray whepAllow(const WhepPath &path) { return path.session.isEmpty() ? "POST, OPTIONS" : "DELETE, OPTIONS"; }

Response whepOptions(const WhepPath &path, const QList<QByteArray> &iceServerLinks)
{
    Response r = Response::text(Status::NoContent, {}).header("Allow", whepAllow(path));
    r.body.clear();
    if (path.session.isEmpty())
        r.header("Accept-Post", "application/sdp");
    for (const QByteArray &link : iceServerLinks)
        r.header("Link", link);
    return r;
}

Response handleWhep(WebRtcServer *server, const WhepPath &path, const RequestContext &request,
                    const QHostAddress &localAddress)
{
    const auto links = [&] {
        return iceServerLinks(server->settings(), request.user, QDateTime::currentSecsSinceEpoch());
    };
    if (request.method == Method::Options)
        return whepOptions(path, server && path.session.isEmpty() ? links() : QList<QByteArray>{});
    if (!server)
        return Response::text(Status::NotFound, "WebRTC is off on this service ([webrtc] enabled = false)");
    const QString owner = request.token.isEmpty() ? request.user : QString::fromLatin1(request.token);
    if (!path.session.isEmpty()) {
        if (request.method != Method::Delete)
            return Response::text(Status::MethodNotAllowed, "method not allowed").header("Allow", whepAllow(path));
        if (!server->close(path.camera, path.session, owner, request.role == Role::Admin))
            return Response::text(Status::NotFound, "no such WebRTC session");
        return Response::text(Status::Ok, "session ended");
    }
    if (request.method != Method::Post)
        return Response::text(Status::MethodNotAllowed, "method not allowed").header("Allow", whepAllow(path));
    if (request.body.size() > sdp::kMaxOfferBytes)
        return Response::text(Status::PayloadTooLarge, "the SDP offer is too large");
    const Result<WebRtcServer::Answer> answer =
        server->open({path.camera, request.body, request.client, localAddress, owner});
    if (!answer.ok()) {
        switch (answer.error().fault) {
        case Fault::NoDevice: return Response::text(Status::NotFound, answer.error().message.toUtf8());
        case Fault::Busy:
            return Response::text(Status::ServiceUnavailable, answer.error().message.toUtf8())
                .header("Retry-After", "5");
        default: return Response::text(Status::BadRequest, answer.error().message.toUtf8());
        }
    }
    Response r = Response::content("application/sdp", answer.value().sdp, "no-store");
    r.status = Status::Created;
    r.header("Location", "/cam/" + path.camera.toLatin1() + "/whep/" + answer.value().sessionId);
    r.header("X-Sender-Clock", answer.value().senderClock);
    for (const QByteArray &link : links())
        r.header("Link", link);
    return r;
}

}  // namespace hlscam
