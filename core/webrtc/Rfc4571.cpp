#include "webrtc/Rfc4571.h"

#include "webrtc/BigEndian.h"

namespace hlscam::rfc4571 {

QByteArray frame(QByteArrayView packet)
{
    if (packet.size() > 0xffff)
        return {};
    QByteArray out;
    out.reserve(packet.size() + 2);
    wire::append16(out, quint16(packet.size()));
    out.append(packet);
    return out;
}

bool Reader::append(QByteArrayView bytes)
{
    if (m_failed)
        return false;
    // Drop what was handed out before growing: the buffer holds at most one frame and the
    // bytes that arrived with it, never the stream's history.
    if (m_read > 0) {
        m_buffer.remove(0, m_read);
        m_read = 0;
    }
    m_buffer.append(bytes);
    // Check every length now, so a too-long frame fails at once, not when it has all arrived.
    qsizetype at = 0;
    while (m_buffer.size() - at >= 2) {
        const quint16 length = wire::read16(m_buffer, at);
        if (length == 0 || length > kMaxFrame) {
            m_failed = true;
            m_buffer.clear();
            return false;
        }
        at += 2 + length;
    }
    return true;
}

std::optional<QByteArray> Reader::next()
{
    if (m_failed || m_buffer.size() - m_read < 2)
        return std::nullopt;
    const quint16 length = wire::read16(m_buffer, m_read);
    if (m_buffer.size() - m_read - 2 < length)
        return std::nullopt;
    QByteArray out = m_buffer.mid(m_read + 2, length);
    m_read += 2 + length;
    if (m_read == m_buffer.size()) {
        m_buffer.clear();
        m_read = 0;
    }
    return out;
}

}  // namespace hlscam::rfc4571
