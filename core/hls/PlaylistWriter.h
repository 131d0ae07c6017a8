// Writes an HLS media playlist (RFC 8216) for fMP4 segments from a store snapshot.
#pragma once

#include "hls/SegmentStore.h"

namespace hlscam {

struct PlaylistOptions {
    int windowSegments = 6;     // complete segments listed
    int targetDurationMs = 1000;  // the configured segment duration
    QByteArray uriQuery;        // appended to every media URI (e.g. "?token=..."), may be empty
};

QByteArray writePlaylist(const StoreSnapshot &snapshot, const PlaylistOptions &options);

// EXT-X-PROGRAM-DATE-TIME format: ISO 8601 in UTC with milliseconds.
QByteArray programDateTime(qint64 msSinceEpoch);

}  // namespace hlscam
