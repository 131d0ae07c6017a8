// RTCP for a send-only H.264 stream (RFC 3550, RFC 4585, RFC 5104): the sender report (with an
// SDES CNAME, as a compound packet must carry) we send, and what a viewer's feedback asks of us:
// retransmissions (generic NACK), a key frame (PLI, FIR). Parsing is bounded and skips what it
// does not need.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace hlscam::rtcp {

constexpr int kMaxCompound = 1500;
constexpr int kMaxNacked = 512;  // sequence numbers asked again by one compound packet

// First packet type of an RTCP packet on a muxed port (RFC 5761 4: 192..223).
bool looksLikeRtcp(QByteArrayView datagram);

struct SenderInfo {
    quint32 ssrc = 0;
    quint64 ntp = 0;  // NTP timestamp (seconds since 1900 << 32 | fraction)
    quint32 rtpTimestamp = 0;
    quint32 packets = 0;
    quint32 octets = 0;
};
QByteArray senderReport(const SenderInfo &info, QByteArrayView cname);
// The NTP timestamp of a Unix time in microseconds.
quint64 ntpTime(qint64 unixUs);

struct Feedback {
    QList<quint16> nacked;     // sequence numbers the viewer lost, for `mediaSsrc`
    bool pictureLoss = false;  // PLI or FIR: a key frame is wanted
};

// What a compound RTCP packet asks of the stream `mediaSsrc` (feedback for other streams is
// ignored), or why it is malformed.
Result<Feedback> parseFeedback(QByteArrayView compound, quint32 mediaSsrc);

// A generic NACK (for tests and the fuzz target's seeds).
QByteArray nack(quint32 senderSsrc, quint32 mediaSsrc, const QList<quint16> &lost);
QByteArray pli(quint32 senderSsrc, quint32 mediaSsrc);

}  // namespace hlscam::rtcp
