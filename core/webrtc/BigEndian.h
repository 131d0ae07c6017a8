// Network byte order for the WebRTC wire formats (STUN, RTP, RTCP). Readers do not check
// bounds: callers have checked the size first.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtEndian>

namespace hlscam::wire {

inline void append16(QByteArray &out, quint16 v)
{
    out.append(char(v >> 8));
    out.append(char(v));
}

inline void append32(QByteArray &out, quint32 v)
{
    append16(out, quint16(v >> 16));
    append16(out, quint16(v));
}

inline quint16 read16(QByteArrayView d, qsizetype at) { return qFromBigEndian<quint16>(d.data() + at); }
inline quint32 read32(QByteArrayView d, qsizetype at) { return qFromBigEndian<quint32>(d.data() + at); }

}  // namespace hlscam::wire
