#include "webrtc/Rtcp.h"
#include "webrtc/BigEndian.h"

#include <QtEndian>

namespace hlscam::rtcp {

namespace {

using wire::append16;
using wire::append32;
using wire::read16;
using wire::read32;

constexpr quint8 kSenderReport = 200, kSdes = 202, kRtpFeedback = 205, kPayloadFeedback = 206;
constexpr quint64 kNtpUnixOffset = 2208988800ULL;  // seconds from 1900 to 1970

Error malformed(const QString &why) { return Error{Fault::Other, QStringLiteral("malformed RTCP: ") + why}; }

}  // namespace

bool looksLikeRtcp(QByteArrayView d)
{
    return d.size() >= 8 && (quint8(d[0]) >> 6) == 2 && quint8(d[1]) >= 192 && quint8(d[1]) <= 223;
}

quint64 ntpTime(qint64 unixUs)
{
    const quint64 us = quint64(qMax<qint64>(0, unixUs));
    const quint64 seconds = us / 1000000 + kNtpUnixOffset;
    const quint64 fraction = ((us % 1000000) << 32) / 1000000;
    return (seconds << 32) | fraction;
}

QByteArray senderReport(const SenderInfo &info, QByteArrayView cname)
{
    QByteArray out;
    out.append(char(0x80));
    out.append(char(kSenderReport));
    append16(out, 6);  // length in 32-bit words minus one
    append32(out, info.ssrc);
    append32(out, quint32(info.ntp >> 32));
    append32(out, quint32(info.ntp));
    append32(out, info.rtpTimestamp);
    append32(out, info.packets);
    append32(out, info.octets);
    // SDES with one chunk: SSRC, CNAME item, end, padded to 32 bits.
    const QByteArrayView name = cname.first(qMin<qsizetype>(cname.size(), 255));
    QByteArray chunk;
    append32(chunk, info.ssrc);
    chunk.append(char(1));
    chunk.append(char(name.size()));
    chunk.append(name.data(), name.size());
    chunk.append(char(0));
    while (chunk.size() % 4)
        chunk.append(char(0));
    out.append(char(0x81));
    out.append(char(kSdes));
    append16(out, quint16(chunk.size() / 4));
    out.append(chunk);
    return out;
}

Result<Feedback> parseFeedback(QByteArrayView d, quint32 mediaSsrc)
{
    if (d.size() > kMaxCompound)
        return malformed(QStringLiteral("longer than %1 bytes").arg(kMaxCompound));
    Feedback fb;
    qsizetype pos = 0;
    while (pos < d.size()) {
        if (pos + 4 > d.size())
            return malformed(QStringLiteral("a truncated header"));
        const quint8 first = quint8(d[pos]);
        if ((first >> 6) != 2)
            return malformed(QStringLiteral("not version 2"));
        const int count = first & 0x1f;  // FMT for feedback packets
        const quint8 type = quint8(d[pos + 1]);
        const qsizetype size = (qsizetype(read16(d, pos + 2)) + 1) * 4;
        if (pos + size > d.size())
            return malformed(QStringLiteral("a packet runs past the end"));
        const QByteArrayView packet = d.sliced(pos, size);
        pos += size;
        if (type != kRtpFeedback && type != kPayloadFeedback)
            continue;  // receiver reports, SDES, BYE, extended reports: nothing we act on
        if (size < 12)
            return malformed(QStringLiteral("a feedback packet without its SSRCs"));
        const quint32 media = read32(packet, 8);
        if (type == kRtpFeedback && count == 1) {  // generic NACK: PID and a bitmask of 16 after it
            if (media != mediaSsrc)
                continue;
            for (qsizetype at = 12; at + 4 <= size; at += 4) {
                const quint16 pid = read16(packet, at);
                const quint16 mask = read16(packet, at + 2);
                for (int bit = -1; bit < 16; ++bit) {
                    if (bit >= 0 && !(mask & (1u << bit)))
                        continue;
                    if (fb.nacked.size() >= kMaxNacked)
                        return malformed(QStringLiteral("more than %1 packets asked again").arg(kMaxNacked));
                    fb.nacked.append(quint16(pid + bit + 1));
                }
            }
        } else if (type == kPayloadFeedback && count == 1) {  // PLI
            fb.pictureLoss = fb.pictureLoss || media == mediaSsrc;
        } else if (type == kPayloadFeedback && count == 4) {  // FIR: the SSRC is in its entries
            for (qsizetype at = 12; at + 8 <= size; at += 8)
                fb.pictureLoss = fb.pictureLoss || read32(packet, at) == mediaSsrc;
        }
    }
    return fb;
}

QByteArray nack(quint32 senderSsrc, quint32 mediaSsrc, const QList<quint16> &lost)
{
    QByteArray fci;
    for (qsizetype i = 0; i < lost.size();) {
        const quint16 pid = lost[i++];
        quint16 mask = 0;
        while (i < lost.size() && quint16(lost[i] - pid - 1) < 16)
            mask |= quint16(1u << quint16(lost[i++] - pid - 1));
        append16(fci, pid);
        append16(fci, mask);
    }
    QByteArray out;
    out.append(char(0x81));
    out.append(char(kRtpFeedback));
    append16(out, quint16(2 + fci.size() / 4));
    append32(out, senderSsrc);
    append32(out, mediaSsrc);
    out.append(fci);
    return out;
}

QByteArray pli(quint32 senderSsrc, quint32 mediaSsrc)
{
    QByteArray out;
    out.append(char(0x81));
    out.append(char(kPayloadFeedback));
    append16(out, 2);
    append32(out, senderSsrc);
    append32(out, mediaSsrc);
    return out;
}

}  // namespace hlscam::rtcp
