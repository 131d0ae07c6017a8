#include "webrtc/RtpH264.h"
#include "webrtc/BigEndian.h"

#include <QtEndian>

namespace hlscam::rtp {

namespace {

using wire::append16;
constexpr int kNalIdr = 5, kNalSps = 7, kNalPps = 8, kNalAud = 9;
constexpr quint8 kStapA = 24, kFuA = 28;

int typeOf(QByteArrayView nal) { return nal.isEmpty() ? -1 : quint8(nal[0]) & 0x1f; }

}  // namespace

bool readHeader(QByteArrayView p, Header &h)
{
    if (p.size() < kHeaderSize || (quint8(p[0]) >> 6) != 2)
        return false;
    h.marker = quint8(p[1]) & 0x80;
    h.payloadType = quint8(p[1]) & 0x7f;
    h.sequence = qFromBigEndian<quint16>(p.data() + 2);
    h.timestamp = qFromBigEndian<quint32>(p.data() + 4);
    h.ssrc = qFromBigEndian<quint32>(p.data() + 8);
    return true;
}

H264Packetizer::H264Packetizer(quint8 payloadType, quint32 ssrc, quint16 firstSequence, int maxPayload)
    : m_payloadType(payloadType & 0x7f),
      m_ssrc(ssrc),
      m_sequence(firstSequence),
      m_maxPayload(qMax(maxPayload, 100))
{}

QByteArray H264Packetizer::header(bool marker, quint32 timestamp)
{
    QByteArray h;
    h.reserve(kHeaderSize + m_maxPayload);
    h.append(char(0x80));
    h.append(char((marker ? 0x80 : 0) | m_payloadType));
    append16(h, m_sequence++);
    append16(h, quint16(timestamp >> 16));
    append16(h, quint16(timestamp));
    append16(h, quint16(m_ssrc >> 16));
    append16(h, quint16(m_ssrc));
    return h;
}

void H264Packetizer::packetize(const QList<QByteArrayView> &nals, QByteArrayView sps, QByteArrayView pps,
                               quint32 timestamp, std::vector<QByteArray> &out)
{
    QList<QByteArrayView> slices;
    bool idr = false;
    for (QByteArrayView nal : nals) {
        const int type = typeOf(nal);
        if (type == kNalSps)
            sps = nal;
        else if (type == kNalPps)
            pps = nal;
        else if (type > 0 && type != kNalAud)
            slices.append(nal);
        idr = idr || type == kNalIdr;
    }
    if (slices.isEmpty())
        return;  // nothing to show: an access unit of parameter sets alone waits for its picture
    if (idr && !sps.isEmpty() && !pps.isEmpty()) {
        if (sps.size() + pps.size() + 5 <= m_maxPayload) {
            QByteArray p = header(false, timestamp);
            // STAP-A's NRI is the highest of its units' (RFC 6184 5.7.1).
            p.append(char((quint8(sps[0]) & 0x60) | (quint8(pps[0]) & 0x60) | kStapA));
            for (QByteArrayView set : {sps, pps}) {
                append16(p, quint16(set.size()));
                p.append(set.data(), set.size());
            }
            out.push_back(std::move(p));
        } else {
            slices.prepend(pps);
            slices.prepend(sps);
        }
    }
    for (qsizetype i = 0; i < slices.size(); ++i) {
        const QByteArrayView nal = slices[i];
        const bool last = i + 1 == slices.size();
        if (nal.size() <= m_maxPayload) {
            QByteArray p = header(last, timestamp);
            p.append(nal.data(), nal.size());
            out.push_back(std::move(p));
            continue;
        }
        // FU-A: the NAL header's F and NRI in the indicator, its type in the FU header.
        const quint8 indicator = (quint8(nal[0]) & 0xe0) | kFuA;
        const quint8 type = quint8(nal[0]) & 0x1f;
        const qsizetype chunk = m_maxPayload - 2;
        for (qsizetype pos = 1; pos < nal.size(); pos += chunk) {
            const qsizetype n = qMin(chunk, nal.size() - pos);
            const bool start = pos == 1, end = pos + n == nal.size();
            QByteArray p = header(last && end, timestamp);
            p.append(char(indicator));
            p.append(char((start ? 0x80 : 0) | (end ? 0x40 : 0) | type));
            p.append(nal.data() + pos, n);
            out.push_back(std::move(p));
        }
    }
}

}  // namespace hlscam::rtp
