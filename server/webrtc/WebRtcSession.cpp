#include "webrtc/WebRtcSession.h"

#include "webrtc/Rtcp.h"

#include <QRandomGenerator>
#include <utility>

namespace hlscam {

namespace {

QByteArray randomText(int size)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QByteArray out(size, Qt::Uninitialized);
    for (char &c : out)
        c = alphabet[QRandomGenerator::system()->bounded(int(sizeof alphabet - 1))];
    return out;
}

}  // namespace

WebRtcSession::WebRtcSession(QByteArray sessionId, QString cameraName, QString ownerName,
                             const QHostAddress &clientAddress, const sdp::Offer &offer,
                             std::shared_ptr<DtlsIdentity> identity, qint64 nowMs)
    : id(std::move(sessionId)),
      camera(std::move(cameraName)),
      owner(std::move(ownerName)),
      client(clientAddress),
      localUfrag(randomText(8)),
      localPwd(randomText(24)),  // 143 bits: RFC 8445 asks for at least 128
      remoteUfrag(offer.iceUfrag),
      ssrc(QRandomGenerator::system()->generate() | 1u),
      payloadType(quint8(offer.payloadType)),
      lastConsentMs(nowMs),
      createdMs(nowMs),
      m_identity(std::move(identity)),
      m_remoteFingerprint(offer.fingerprint),
      m_dtls(std::make_unique<DtlsTransport>(m_identity, m_remoteFingerprint)),
      m_packetizer(payloadType, ssrc, quint16(QRandomGenerator::system()->generate())),
      m_timestampOrigin(QRandomGenerator::system()->generate())
{}

bool WebRtcSession::restartDtls()
{
    constexpr int kMaxRestarts = 8;
    if (connected() || ++m_dtlsRestarts > kMaxRestarts)
        return false;
    m_dtls = std::make_unique<DtlsTransport>(m_identity, m_remoteFingerprint);
    return true;
}

Error WebRtcSession::startSrtp()
{
    Result<std::unique_ptr<SrtpSession>> srtp = SrtpSession::create(m_dtls->keys());
    if (!srtp.ok())
        return srtp.error();
    m_srtp = std::move(srtp.value());
    return {};
}

QList<QByteArray> WebRtcSession::media(const AccessUnit &unit, const h264::ParameterSets &sets)
{
    QList<QByteArray> out;
    if (!m_srtp || (waitingForKeyFrame && !unit.key))
        return out;
    waitingForKeyFrame = false;
    QList<QByteArrayView> nals;
    for (const QByteArray &nal : unit.nals)
        nals.append(nal);
    const QByteArrayView sps = sets.sps.isEmpty() ? QByteArrayView() : QByteArrayView(sets.sps.first());
    const QByteArrayView pps = sets.pps.isEmpty() ? QByteArrayView() : QByteArrayView(sets.pps.first());
    const quint32 timestamp = rtp::rtpTimestamp(unit.monoUs, m_timestampOrigin);
    m_lastMonoUs = unit.monoUs;
    m_lastTimestamp = timestamp;
    std::vector<QByteArray> packets;
    m_packetizer.packetize(nals, sps, pps, timestamp, packets);
    for (QByteArray &p : packets) {
        const quint16 sequence = quint16(quint8(p[2]) << 8 | quint8(p[3]));
        const qsizetype plain = p.size();
        if (!m_srtp->protectRtp(p))
            continue;
        ++counters.packets;
        counters.bytes += plain - rtp::kHeaderSize;
        m_history[sequence % kHistory] = Sent{sequence, p};
        out.append(p);
    }
    return out;
}

void WebRtcSession::hold(const AccessUnitPtr &unit)
{
    if (unit->key)
        m_held.clear();
    if (m_held.isEmpty() && !unit->key)
        return;
    if (m_held.size() >= kMaxHeldUnits) {  // a key frame this old is not worth sending: wait for the next
        m_held.clear();
        return;
    }
    m_held.append(unit);
}

QList<AccessUnitPtr> WebRtcSession::takeHeld(qint64 monoNowUs)
{
    QList<AccessUnitPtr> held = std::exchange(m_held, {});
    if (!held.isEmpty() && monoNowUs - held.first()->monoUs > kMaxHeldAgeUs)
        held.clear();
    return held;
}

QByteArray WebRtcSession::senderReport(qint64 monoNowUs, qint64 wallNowUs)
{
    if (!m_srtp || m_lastMonoUs < 0)
        return {};
    rtcp::SenderInfo info;
    info.ssrc = ssrc;
    info.ntp = rtcp::ntpTime(wallNowUs);
    // The RTP clock now, on the capture clock the timestamps come from.
    info.rtpTimestamp = rtp::rtpTimestamp(monoNowUs, m_timestampOrigin);
    info.packets = quint32(counters.packets);
    info.octets = quint32(counters.bytes);
    QByteArray report = rtcp::senderReport(info, "hlscam");
    if (!m_srtp->protectRtcp(report))
        return {};
    return report;
}

std::optional<rtcp::Feedback> WebRtcSession::feedback(QByteArrayView datagram)
{
    if (!m_srtp || datagram.size() > rtcp::kMaxCompound + 64)
        return std::nullopt;
    QByteArray packet = datagram.toByteArray();
    if (!m_srtp->unprotectRtcp(packet))
        return std::nullopt;
    Result<rtcp::Feedback> fb = rtcp::parseFeedback(packet, ssrc);
    if (!fb.ok())
        return std::nullopt;
    counters.nacks += fb.value().nacked.size();
    counters.pictureLoss += fb.value().pictureLoss ? 1 : 0;
    return fb.value();
}

QList<QByteArray> WebRtcSession::retransmissions(const QList<quint16> &nacked)
{
    QList<QByteArray> out;
    for (quint16 sequence : nacked) {
        const Sent &sent = m_history[sequence % kHistory];
        if (sent.sequence == sequence && !sent.packet.isEmpty())
            out.append(sent.packet);
    }
    counters.retransmitted += out.size();
    return out;
}

}  // namespace hlscam
