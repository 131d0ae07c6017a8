// When a held media request can be answered: the LL-HLS rules as pure functions of where the
// camera's store stands, so they can be checked as tables without a camera or a socket.
#pragma once

#include "config/Settings.h"
#include "hls/SegmentStore.h"
#include "http/LowLatencyQuery.h"

#include <optional>
#include <utility>

namespace hlscam {

enum class Readiness {
    Ready,  // answer now
    Wait,   // hold until the store changes (or the deadline passes)
    Never,  // answer now with an error: what is asked for will not come in time
};

// A playlist: held until the first complete segment, and for a blocking reload (_HLS_msn,
// _HLS_part) until the playlist holds what is asked for. RFC 8216bis 6.2.5.2: more than two
// segments or three seconds of parts ahead is refused.
Readiness playlistReadiness(const StorePosition &at, const LowLatencyQuery &ll, const HlsSettings &hls);

// Part `part` of segment `msn`. `progress`: that segment's (parts stored, complete) when the
// store has it. Only the next part to come, the one the playlist hints at, is held.
Readiness partReadiness(const std::optional<std::pair<int, bool>> &progress, const StorePosition &at, qint64 msn,
                        int part);

}  // namespace hlscam
