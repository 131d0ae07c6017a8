// The streams that outlive their request (MJPEG watchers, WebRTC sessions) are let in once, by
// the request that opened them. When the users file changes, this checks each again with the
// one camera check, and ends those whose user may no longer see the camera (cameras narrowed,
// user removed, a token revoked): narrowing a user's cameras cuts what they watch now, not only
// their next request.
#pragma once

#include "http/RequestContext.h"

#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <list>

namespace hlscam {

class Authenticator;
class WebRtcServer;

class LiveStreamGuard : public QObject {
    Q_OBJECT
public:
    LiveStreamGuard(Authenticator *auth, QObject *parent = nullptr);

    void setWebRtc(WebRtcServer *webrtc);
    // An MJPEG watcher of `camera` on `socket`, let in for `request`'s user or token.
    void watchMjpeg(const RequestContext &request, const QString &camera, QTcpSocket *socket);
    // A WebRTC session of `camera` (`location`: its /cam/NAME/whep/ID).
    void watchWebRtc(const RequestContext &request, const QString &camera, const QByteArray &location);

private:
    struct Stream {
        QString camera;
        QString user;                 // empty for an anonymous viewer (never re-checked)
        QByteArray token;             // the URL token it came with, if any
        QPointer<QTcpSocket> socket;  // MJPEG
        QByteArray sessionId;         // WebRTC
    };
    // Whether `stream`'s user (or token) may still see its camera.
    bool stillAllowed(const Stream &stream) const;
    void recheck();
    void prune();  // forgets the streams that have ended

    Authenticator *m_auth;
    QPointer<WebRtcServer> m_webrtc;
    std::list<Stream> m_streams;
};

}  // namespace hlscam
