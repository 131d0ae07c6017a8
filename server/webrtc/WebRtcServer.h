// WebRTC viewing: the one UDP socket every viewer's ICE (lite), DTLS and SRTP go through (and
// the ICE-TCP port for viewers whose network blocks UDP), the sessions WHEP opens, and the media
// sent to them from the cameras' encoded feeds. Datagrams (and ICE-TCP frames) are
// demultiplexed by ICE username (STUN) and then by the address (or connection) a check came
// from; anything else, and anything from a banned address, is dropped before any cryptography.
// Lives on the service's thread: the cameras' threads only queue access units to it.
#pragma once

#include "Error.h"
#include "camera/EncodedFeed.h"
#include "config/Settings.h"
#include "webrtc/WebRtcSession.h"

#include <QHash>
#include <QObject>
#include <QTimer>
#include <memory>

class QUdpSocket;

namespace hlscam {

class BanStore;
class Camera;
class DtlsIdentity;
class IceTcpListener;
class PublicAddresses;

// What /api/v1/status and /metrics show of a camera's WebRTC viewers.
struct WebRtcCameraStats {
    int sessions = 0;
    WebRtcCounters counters;  // of the sessions open now and those closed before
};

class WebRtcServer : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kConsentTimeoutMs = 30000;  // RFC 7675: no check for this long ends it

    WebRtcServer(const WebRtcSettings &settings, const QList<Camera *> &cameras, BanStore *bans,
                 QObject *parent = nullptr);
    ~WebRtcServer() override;

    // Makes the DTLS identity, binds the UDP port and listens on the ICE-TCP port (if on).
    Error start();
    quint16 port() const;
    quint16 tcpPort() const;  // 0: no ICE-TCP

    struct Request {
        QString camera;
        QByteArray offer;           // SDP
        QHostAddress client;        // for limits and bans
        QHostAddress localAddress;  // where the HTTP request came in: our host candidate
        QString owner;              // user name or token
    };
    struct Answer {
        QByteArray sessionId;
        QByteArray sdp;
        // What a sender report would say now: "rtp=R; unix-ms=W" (RTP timestamp R is wall time W),
        // sent as the answer's X-Sender-Clock. The page takes a frame's capture time from it:
        // Chromium shows a page neither the reports' mapping nor a video frame's capture time
        // from it (checked in Chromium 156: no estimatedPlayoutTimestamp for video, no
        // captureTime in requestVideoFrameCallback's metadata).
        QByteArray senderClock;
    };
    // A new session: its answer, or an Error whose fault says why (Other: a bad offer, Busy:
    // a limit, NoDevice: no such camera).
    Result<Answer> open(const Request &request);
    // Ends a session of `camera` opened by `owner` (any, for an admin); false when none.
    bool close(const QString &camera, const QByteArray &sessionId, const QString &owner, bool admin);

    const WebRtcSettings &settings() const { return m_settings; }
    WebRtcCameraStats stats(const QString &camera) const;
    int sessionCount() const { return int(m_sessions.size()); }
    bool hasSession(const QByteArray &sessionId) const { return m_sessions.count(sessionId) > 0; }

private:
    // Listens on the ICE-TCP port, if on; an error only when tcp_port was set and is taken.
    Error startTcp();
    void readDatagrams();
    void handleDatagram(const QByteArray &data, const WebRtcEndpoint &from);
    // True when it was a valid check of a session, answered (and `from` bound to it).
    bool handleStun(const QByteArray &data, const WebRtcEndpoint &from);
    void handleTcpFrame(quint64 connection, const QHostAddress &peer, quint16 port, const QByteArray &bytes,
                        bool bound);
    void forgetTcp(quint64 connection);
    // SRTP is up: the held key frame and what followed it go out now, or a key frame is asked for.
    void startMedia(WebRtcSession &s);
    void deliver(Camera *camera, const AccessUnitPtr &unit);
    void tick();
    void send(const WebRtcEndpoint &to, const QByteArray &datagram);
    void sendAll(WebRtcSession &session, const QList<QByteArray> &datagrams);
    void end(const QByteArray &sessionId, const char *why);
    void dropNetwork(const QHostAddress &network, int prefix);
    Camera *cameraNamed(const QString &name) const;

    WebRtcSettings m_settings;
    QList<Camera *> m_cameras;
    BanStore *m_bans;
    std::shared_ptr<DtlsIdentity> m_identity;
    QUdpSocket *m_socket = nullptr;
    IceTcpListener *m_tcp = nullptr;
    PublicAddresses *m_public = nullptr;
    QTimer m_timer;
    qint64 m_lastReportMs = 0;
    std::map<QByteArray, std::unique_ptr<WebRtcSession>> m_sessions;  // by id
    QHash<QByteArray, WebRtcSession *> m_byUfrag;
    QHash<QString, WebRtcSession *> m_byEndpoint;  // "address|port|connection"
    QHash<Camera *, int> m_subscriptions;          // feed subscription per camera with viewers
    QHash<QString, WebRtcCounters> m_closed;       // counters of ended sessions, per camera
};

}  // namespace hlscam
