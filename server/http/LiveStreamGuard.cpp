#include "http/LiveStreamGuard.h"

#include "Logging.h"
#include "auth/Authenticator.h"
#include "http/CameraAccessCheck.h"
#include "webrtc/WebRtcServer.h"

#include <algorithm>

namespace hlscam {

LiveStreamGuard::LiveStreamGuard(Authenticator *auth, QObject *parent)
    : QObject(parent),
      m_auth(auth)
{
    connect(auth, &Authenticator::usersChanged, this, &LiveStreamGuard::recheck);
}

void LiveStreamGuard::setWebRtc(WebRtcServer *webrtc) { m_webrtc = webrtc; }

void LiveStreamGuard::prune()
{
    m_streams.remove_if([this](const Stream &s) {
        return s.sessionId.isEmpty() ? s.socket.isNull() : !m_webrtc || !m_webrtc->hasSession(s.sessionId);
    });
}

void LiveStreamGuard::watchMjpeg(const RequestContext &request, const QString &camera, QTcpSocket *socket)
{
    if (request.user.isEmpty() && request.token.isEmpty())
        return;  // an anonymous viewer: every camera is public
    prune();     // the list holds live streams only, so it stays as short as they are few
    m_streams.push_back({camera, request.user, request.token, socket, {}});
}

void LiveStreamGuard::watchWebRtc(const RequestContext &request, const QString &camera, const QByteArray &location)
{
    if (request.user.isEmpty() && request.token.isEmpty())
        return;
    prune();
    m_streams.push_back({camera, request.user, request.token, {}, location.mid(location.lastIndexOf('/') + 1)});
}

bool LiveStreamGuard::stillAllowed(const Stream &stream) const
{
    // The identity as a request would have it now, then the same check as every route.
    if (!stream.token.isEmpty()) {
        const AuthResult result = m_auth->checkToken(stream.token, stream.camera);
        return result.outcome == AuthResult::Outcome::Ok && maySeeCamera(result.role, result.cameras, stream.camera);
    }
    const auto user = std::find_if(m_auth->users().cbegin(), m_auth->users().cend(),
                                   [&](const User &u) { return u.name == stream.user; });
    return user != m_auth->users().cend() && maySeeCamera(user->role, user->access(), stream.camera);
}

void LiveStreamGuard::recheck()
{
    prune();
    for (auto it = m_streams.begin(); it != m_streams.end();) {
        if (stillAllowed(*it)) {
            ++it;
            continue;
        }
        qCInfo(lcHttp).noquote().nospace() << "ending a " << (it->socket ? "MJPEG stream" : "WebRTC session") << " of '"
                                           << it->camera << "': its user may no longer see it";
        if (it->socket)
            it->socket->abort();
        else
            m_webrtc->close(it->camera, it->sessionId, {}, true);  // as an admin would: any owner
        it = m_streams.erase(it);
    }
}

}  // namespace hlscam
