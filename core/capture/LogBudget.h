// How many lines a chatty source may add to the log: a burst, then one line every few seconds
// (a token bucket). A camera's command that fails and is restarted every second keeps one
// budget across its restarts, so it cannot flood the journal.
#pragma once

#include "Clock.h"

#include <utility>

namespace hlscam {

class LogBudget {
public:
    LogBudget(int burst, qint64 refillUs)
        : m_burst(burst),
          m_refillUs(refillUs),
          m_tokens(burst)
    {}

    // True when a line may be logged now; else it is counted as dropped.
    bool take()
    {
        const qint64 now = monotonicUs();
        if (m_lastUs == 0)
            m_lastUs = now;
        const qint64 earned = (now - m_lastUs) / m_refillUs;
        if (earned > 0) {
            m_tokens = int(qMin<qint64>(m_burst, m_tokens + earned));
            m_lastUs += earned * m_refillUs;
        }
        if (m_tokens == 0) {
            ++m_dropped;
            return false;
        }
        --m_tokens;
        return true;
    }
    // Lines dropped since the last call.
    qint64 takeDropped() { return std::exchange(m_dropped, 0); }

private:
    int m_burst;
    qint64 m_refillUs;
    int m_tokens;
    qint64 m_lastUs = 0;
    qint64 m_dropped = 0;
};

}  // namespace hlscam
