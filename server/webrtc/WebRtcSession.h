// One WebRTC viewer of one camera: its ICE credentials and the address its checks came from,
// its DTLS handshake and SRTP keys, the RTP packetizer of its stream, the packets it may ask
// again (NACK), and what it cost. Owned and driven by WebRtcServer on its thread; no socket here.
#pragma once

#include "camera/EncodedFeed.h"
#include "webrtc/DtlsTransport.h"
#include "webrtc/Rtcp.h"
#include "webrtc/RtpH264.h"
#include "webrtc/Sdp.h"
#include "webrtc/SrtpSession.h"

#include <QHostAddress>
#include <array>
#include <memory>
#include <optional>

namespace hlscam {

// Where a viewer's packets come from and go to: an address and port over UDP, or an ICE-TCP
// connection (IceTcpListener's id) from that address and port.
struct WebRtcEndpoint {
    QHostAddress address;
    quint16 port = 0;
    quint64 tcp = 0;  // 0: UDP
    bool operator==(const WebRtcEndpoint &) const = default;
};

struct WebRtcCounters {
    qint64 packets = 0;
    qint64 bytes = 0;
    qint64 nacks = 0;  // packets asked again
    qint64 retransmitted = 0;
    qint64 pictureLoss = 0;  // PLI and FIR
};

class WebRtcSession {
public:
    static constexpr int kHistory = 512;  // sent packets kept for NACKs: about 2 s at 2 Mbit/s
    // Held units (see hold): a key frame older than this at the end of the handshake would
    // start the picture late, and the frames after it would reach the viewer in a burst.
    static constexpr qint64 kMaxHeldAgeUs = 400'000;
    static constexpr int kMaxHeldUnits = 16;

    WebRtcSession(QByteArray id, QString camera, QString owner, const QHostAddress &client, const sdp::Offer &offer,
                  std::shared_ptr<DtlsIdentity> identity, qint64 nowMs);

    const QByteArray id;
    const QString camera;
    const QString owner;        // who opened it: a user name or a URL token
    const QHostAddress client;  // the HTTP client that opened it (limits, bans)
    const QByteArray localUfrag;
    const QByteArray localPwd;
    const QByteArray remoteUfrag;
    const quint32 ssrc;
    const quint8 payloadType;

    // ICE: the pair the viewer nominated (or the first that passed a check), and consent.
    std::optional<WebRtcEndpoint> remote;
    QList<WebRtcEndpoint> endpoints;  // every address that passed a check (bounded)
    qint64 lastConsentMs;
    const qint64 createdMs;

    DtlsTransport &dtls() { return *m_dtls; }
    // A handshake that failed before it connected starts over, a few times: a forged or broken
    // datagram from the viewer's address must not end a session the viewer is still setting up
    // (its own ClientHello comes again). False when the session has had its restarts.
    bool restartDtls();
    bool connected() const { return m_srtp != nullptr; }
    // Makes the SRTP contexts once DTLS is connected; an error ends the session.
    Error startSrtp();

    // The SRTP packets of an access unit (nothing before the first key frame).
    QList<QByteArray> media(const AccessUnit &unit, const h264::ParameterSets &sets);
    // Until SRTP is up: keeps the units since the newest key frame (the one asked for when the
    // offer came), so the first picture goes out the moment the handshake ends rather than a
    // frame interval and an encode later. Bounded: a key frame too old to show is let go.
    void hold(const AccessUnitPtr &unit);
    // The held units, oldest first, and none held any more; empty when the key frame is older
    // than kMaxHeldAgeUs at `monoNowUs` (a slow handshake: the next key frame is fresher).
    QList<AccessUnitPtr> takeHeld(qint64 monoNowUs);
    // The RTP timestamp of a moment on the capture clock (what a sender report pairs with the wall clock).
    quint32 rtpTimestampAt(qint64 monoUs) const { return rtp::rtpTimestamp(monoUs, m_timestampOrigin); }
    // A sender report with its CNAME, protected; empty before SRTP.
    QByteArray senderReport(qint64 monoNowUs, qint64 wallNowUs);
    // A viewer's SRTCP: unprotected and read; nullopt when it does not authenticate.
    std::optional<rtcp::Feedback> feedback(QByteArrayView datagram);
    // The packets of `nacked` still in the history, as sent.
    QList<QByteArray> retransmissions(const QList<quint16> &nacked);

    WebRtcCounters counters;
    bool waitingForKeyFrame = true;

private:
    std::shared_ptr<DtlsIdentity> m_identity;
    QByteArray m_remoteFingerprint;
    std::unique_ptr<DtlsTransport> m_dtls;
    int m_dtlsRestarts = 0;
    std::unique_ptr<SrtpSession> m_srtp;
    rtp::H264Packetizer m_packetizer;
    quint32 m_timestampOrigin;
    struct Sent {
        quint16 sequence = 0;
        QByteArray packet;
    };
    std::array<Sent, kHistory> m_history;
    QList<AccessUnitPtr> m_held;
    qint64 m_lastMonoUs = -1;
    quint32 m_lastTimestamp = 0;
};

}  // namespace hlscam
