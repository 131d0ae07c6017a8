// The wall clocks of the pictures an encoder holds: a packet comes out with its picture's
// monotonic capture time only, and the playlist wants the wall clock it was captured at.
#pragma once

#include <QtGlobal>
#include <deque>
#include <utility>

namespace hlscam {

class PicturesInFlight {
public:
    void entered(qint64 monoUs, qint64 wallUs) { m_pictures.emplace_back(monoUs, wallUs); }

    // The wall clock of the picture captured at `monoUs`; pictures the encoder dropped before it
    // are forgotten. Unknown (never entered): derived from the latest capture's two clocks.
    qint64 leftWallUs(qint64 monoUs, qint64 latestMonoUs, qint64 latestWallUs)
    {
        while (!m_pictures.empty() && m_pictures.front().first < monoUs)
            m_pictures.pop_front();
        if (!m_pictures.empty() && m_pictures.front().first == monoUs) {
            const qint64 wall = m_pictures.front().second;
            m_pictures.pop_front();
            return wall;
        }
        return latestWallUs - (latestMonoUs - monoUs);
    }

private:
    std::deque<std::pair<qint64, qint64>> m_pictures;  // (mono, wall), in capture order
};

}  // namespace hlscam
