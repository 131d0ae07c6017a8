// WHEP (WebRTC-HTTP Egress Protocol): POST /cam/<name>/whep with an SDP offer opens a session
// (201, Location, the answer); DELETE on that Location ends it; OPTIONS says what is allowed;
// PATCH (trickle ICE) is 405, as every candidate of ours is in the answer. The 201 and an
// authenticated OPTIONS carry the configured STUN/TURN servers as Link headers (IceServerLinks). Authentication, bans
// and the cross-site check happen before these are called, as for the media (HttpServer).
#pragma once

#include "http/RequestContext.h"
#include "http/Response.h"

#include <QString>
#include <optional>

namespace hlscam {

class WebRtcServer;

struct WhepPath {
    QString camera;
    QByteArray session;  // empty: the endpoint itself; else a session's resource
};

// /cam/<name>/whep or /cam/<name>/whep/<32 hex digits>; nullopt for anything else.
std::optional<WhepPath> parseWhepPath(QStringView path);

// The methods a WHEP path answers: for the 405 and the OPTIONS answer.
QByteArray whepAllow(const WhepPath &path);

// The answer to OPTIONS: 204 with what is allowed, and the ICE servers' Link headers when the
// request was authenticated on the endpoint (an OPTIONS without credentials, such as a CORS
// preflight, is answered before authentication with none).
Response whepOptions(const WhepPath &path, const QList<QByteArray> &iceServerLinks = {});

// Answers an authenticated request on a WHEP path.
Response handleWhep(WebRtcServer *server, const WhepPath &path, const RequestContext &request,
                    const QHostAddress &localAddress);

}  // namespace hlscam
