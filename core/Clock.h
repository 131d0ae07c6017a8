// The two clocks every capture is stamped with, in microseconds, and a sleep. The monotonic one
// is CLOCK_MONOTONIC, the clock FFmpeg's av_gettime_relative() reads, so sources in the FFmpeg
// module and in core stamp on the same timeline.
#pragma once

#include <QtGlobal>

#include <ctime>

namespace hlscam {

inline qint64 monotonicUs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

inline qint64 wallClockUs()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

inline void sleepUs(qint64 us)
{
    if (us <= 0)
        return;
    timespec ts{time_t(us / 1000000), long(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0) {
    }  // interrupted by a signal: sleep the rest
}

}  // namespace hlscam
