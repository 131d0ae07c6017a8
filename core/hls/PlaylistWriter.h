// Writes an HLS media playlist for fMP4 segments from a store snapshot: RFC 8216 for every
// player, with the Low-Latency HLS tags of RFC 8216bis (parts, preload hint, blocking reload,
// delta updates) that players which do not know them ignore.
#pragma once

#include "hls/SegmentStore.h"

namespace hlscam {

struct PlaylistOptions {
    int windowSegments = 6;       // complete segments listed
    int targetDurationMs = 1000;  // the configured segment duration
    int partTargetMs = 200;       // the configured part duration (EXT-X-PART-INF)
    bool skip = false;            // a delta update (_HLS_skip=YES): old segments as EXT-X-SKIP
    QByteArray uriQuery;          // appended to every media URI (e.g. "?token=..."), may be empty
};

QByteArray writePlaylist(const StoreSnapshot &snapshot, const PlaylistOptions &options);

// CAN-SKIP-UNTIL: six target durations, the least the spec allows; in microseconds.
qint64 skipUntilUs(const PlaylistOptions &options);
// PART-HOLD-BACK: how far behind the newest part a player stays, three part targets.
qint64 partHoldBackUs(const PlaylistOptions &options);

// EXT-X-PROGRAM-DATE-TIME format: ISO 8601 in UTC with milliseconds.
QByteArray programDateTime(qint64 msSinceEpoch);

}  // namespace hlscam
