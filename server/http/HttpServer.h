// The HTTP front of hlscam on Qt HttpServer. For each request, in this order: a banned client is
// refused, the method checked, /healthz answered, the client authenticated (Basic or a URL
// token; failures counted toward a ban), and only then the path routed: the viewer page, the
// player, the cameras' media, the JSON API.
#pragma once

#include "auth/AddressSet.h"
#include "config/Settings.h"
#include "http/HostCheck.h"
#include "http/PageFiles.h"
#include "http/RequestContext.h"
#include "http/Response.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QElapsedTimer>
#include <memory>

namespace hlscam {

class ApiRoutes;
class Authenticator;
class BanStore;
class Listener;
class MediaRoutes;
class JpegRoutes;
class LiveStreamGuard;
class Camera;
class ViewerCounter;
class WebRtcServer;
class AcmeCertificate;
struct AuthResult;

class HttpServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpServer(const QList<Camera *> &cameras, Authenticator *authenticator, BanStore *bans, const Settings &settings,
               QObject *parent = nullptr);

    ~HttpServer() override;

    // Distinct clients that fetched `camera`'s media in the last seconds (see ViewerCounter).
    int viewers(const QString &camera);

    // Takes connections from `listener` (and owns it).
    void bindListener(Listener *listener);
    // Answers WHEP (/cam/<name>/whep) with `webrtc`'s sessions; without one, WHEP is a 404.
    void setWebRtc(WebRtcServer *webrtc);
    // The ACME certificate served: its days to expiry in the status and the metrics.
    void setAcme(const AcmeCertificate *acme);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // The address that counts for bans: the peer, or the client a trusted proxy names.
    std::optional<QHostAddress> clientOf(const QHttpServerRequest &request) const;
    void authenticated(const RequestPtr &ctx, const AuthResult &result);
    void route(const RequestPtr &ctx);
    Response metrics() const;

    Authenticator *m_auth;
    QList<Camera *> m_cameras;
    QByteArray m_metricsToken;
    QElapsedTimer m_uptime;
    BanStore *m_bans;
    Listener *m_listener = nullptr;
    MediaRoutes *m_media;
    JpegRoutes *m_jpeg;
    LiveStreamGuard *m_liveStreams;
    ApiRoutes *m_api;
    WebRtcServer *m_webrtc = nullptr;
    const AcmeCertificate *m_acme = nullptr;
    std::unique_ptr<ViewerCounter> m_viewers;
    AddressSet m_trustedProxies;
    HostCheck m_hosts;
    bool m_anonymousViewers;
    PageFiles m_page;
};

}  // namespace hlscam
