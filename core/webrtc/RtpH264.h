// H.264 over RTP (RFC 6184, packetization mode 1) for one viewer: an access unit's NAL units
// become single-NAL packets, FU-A fragments when a NAL unit is larger than the payload budget,
// and a STAP-A with the SPS and PPS before every IDR picture; the marker bit is set on the last
// packet of the access unit; one 90 kHz timestamp per access unit.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <vector>

namespace hlscam::rtp {

constexpr int kHeaderSize = 12;
constexpr int kDefaultMaxPayload = 1200;  // fits any path's MTU with IP, UDP and SRTP's tag

struct Header {
    bool marker = false;
    quint8 payloadType = 0;
    quint16 sequence = 0;
    quint32 timestamp = 0;
    quint32 ssrc = 0;
};

// The fixed header of an RTP packet (no CSRC, no extension); false when `packet` is not RTP v2.
bool readHeader(QByteArrayView packet, Header &header);

class H264Packetizer {
public:
    H264Packetizer(quint8 payloadType, quint32 ssrc, quint16 firstSequence, int maxPayload = kDefaultMaxPayload);

    // Appends the packets of one access unit. `nals` are its NAL units without start codes;
    // `sps` and `pps` are sent before it (STAP-A) when it holds an IDR slice. AUD units are
    // dropped, and parameter sets inside the unit replace the given ones.
    void packetize(const QList<QByteArrayView> &nals, QByteArrayView sps, QByteArrayView pps, quint32 timestamp,
                   std::vector<QByteArray> &out);

    quint16 nextSequence() const { return m_sequence; }

private:
    QByteArray header(bool marker, quint32 timestamp);

    quint8 m_payloadType;
    quint32 m_ssrc;
    quint16 m_sequence;
    int m_maxPayload;
};

// The 90 kHz RTP clock of a capture time in microseconds, from a random origin.
inline quint32 rtpTimestamp(qint64 monoUs, quint32 origin) { return origin + quint32(quint64(monoUs) * 9 / 100); }

}  // namespace hlscam::rtp
