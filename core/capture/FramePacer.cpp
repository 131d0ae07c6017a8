#include "capture/FramePacer.h"

#include "Clock.h"

namespace hlscam {

qint64 FramePacer::waitNext()
{
    const qint64 now = monotonicUs();
    if (m_nextUs == 0 || now - m_nextUs > 2 * m_intervalUs)
        m_nextUs = now;  // first frame, or fell far behind: restart the schedule from now
    if (m_nextUs > now)
        sleepUs(m_nextUs - now);
    const qint64 due = m_nextUs;
    m_nextUs += m_intervalUs;
    return due;
}

}  // namespace hlscam
