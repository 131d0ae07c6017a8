// The Low-Latency HLS query of a playlist request (RFC 8216bis 6.2.5): _HLS_msn and _HLS_part
// ask the server to hold the playlist until that segment or part exists (blocking reload), and
// _HLS_skip asks for a delta update. Parsed strictly: a malformed value is a 400, not a guess.
#pragma once

#include "Error.h"

#include <QString>
#include <QUrlQuery>
#include <optional>

namespace hlscam {

struct LowLatencyQuery {
    std::optional<qint64> msn;
    std::optional<int> part;
    bool skip = false;
};

// The query's values, or Fault::InvalidValue with the sentence of a 400.
Result<LowLatencyQuery> parseLowLatencyQuery(const QUrlQuery &query);

}  // namespace hlscam
