// Reads the time code the test pattern draws along the top of each picture (34 blocks of
// width/40 px: white, black, then the wall-clock milliseconds mod 2^32, MSB first; see
// core/capture/ClockOverlay and bench/stamp.mjs) off a frame the preview received, and returns
// how old the picture is: glass-to-glass latency, whatever the player buffers.
#pragma once

#include <QDateTime>
#include <QImage>
#include <optional>

inline std::optional<qint64> frameAgeMs(const QImage &frame)
{
    const int w = frame.width();
    const int block = qMax(4, (w / 40) & ~1);
    if (w < 34 * block || frame.height() < block)
        return std::nullopt;
    auto bit = [&](int i) {
        return qGray(frame.pixel(i * block + block / 2, block / 2)) > 128 ? 1 : 0;
    };
    if (bit(0) != 1 || bit(1) != 0)
        return std::nullopt;  // no time code in this picture
    quint64 stamp = 0;
    for (int i = 2; i < 34; ++i)
        stamp = stamp * 2 + quint64(bit(i));
    constexpr quint64 span = quint64(1) << 32;
    const quint64 now = quint64(QDateTime::currentMSecsSinceEpoch()) % span;
    return qint64((now + span - stamp) % span);
}
