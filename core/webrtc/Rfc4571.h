// RFC 4571 framing: how ICE-TCP (RFC 6544) carries STUN, DTLS and SRTP over a byte stream, each
// packet behind a 2-byte big-endian length. The reader keeps at most one partial frame and
// refuses frames longer than a datagram we would accept over UDP, so a stranger's stream cannot
// grow memory. Pure functions and a value type: no socket here.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace hlscam::rfc4571 {

constexpr int kMaxFrame = 2048;  // as WebRtcServer's largest UDP datagram

// `packet` behind its length; empty when it is too long for the 2-byte length.
QByteArray frame(QByteArrayView packet);

class Reader {
public:
    // Takes what the stream delivered. False once a frame is empty or longer than kMaxFrame:
    // the stream is not ICE-TCP, close it (the reader keeps failing).
    bool append(QByteArrayView bytes);
    // The next whole frame, if one has arrived.
    std::optional<QByteArray> next();
    bool failed() const { return m_failed; }
    qsizetype buffered() const { return m_buffer.size() - m_read; }

private:
    QByteArray m_buffer;
    qsizetype m_read = 0;  // bytes of m_buffer already handed out
    bool m_failed = false;
};

}  // namespace hlscam::rfc4571
