// What /metrics and /api/v1/status say of one camera's snapshots and MJPEG watchers.
#pragma once

#include <QtGlobal>

namespace hlscam {

struct JpegCounters {
    quint64 snapshots = 0;      // snapshots sent (not HEAD, not errors)
    quint64 snapshotBytes = 0;  // their JPEG bytes
    int mjpegClients = 0;       // watching stream.mjpg now
    quint64 mjpegFrames = 0;    // frames sent to watchers (one per watcher and frame)
    quint64 mjpegBytes = 0;     // bytes written to watchers
};

}  // namespace hlscam
