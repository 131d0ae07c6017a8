// Paces a source that could run faster than real time (pattern, file) to its frame rate. When the
// consumer falls behind, due times are skipped rather than bursting to catch up.
#pragma once

#include <QtGlobal>

namespace hlscam {

class FramePacer {
public:
    explicit FramePacer(double fps)
        : m_intervalUs(qint64(1e6 / fps))
    {}
    // Sleeps until the next frame is due; returns the monotonic due time in microseconds.
    qint64 waitNext();
    void reset() { m_nextUs = 0; }

private:
    qint64 m_intervalUs;
    qint64 m_nextUs = 0;
};

}  // namespace hlscam
