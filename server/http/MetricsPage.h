// GET /metrics: the service in Prometheus text format. Counters from Metrics (answers by route
// and status, bytes, authentication failures), and gauges read from their owners now: viewers,
// pipeline state, frames, part delay per camera; open and refused connections; active bans;
// WebRTC sessions and what they cost per camera.
#pragma once

#include <QByteArray>
#include <QList>

namespace hlscam {

class BanStore;
class Listener;
class Camera;
class ViewerCounter;
class JpegRoutes;
class WebRtcServer;
class AcmeCertificate;

struct MetricsSources {
    QList<Camera *> cameras;
    ViewerCounter *viewers = nullptr;
    const Listener *listener = nullptr;  // may be null (no socket yet)
    const BanStore *bans = nullptr;
    qint64 uptimeMs = 0;
    const WebRtcServer *webrtc = nullptr;   // null when WebRTC is off
    const JpegRoutes *jpeg = nullptr;       // snapshots and MJPEG; may be null
    const AcmeCertificate *acme = nullptr;  // null without ACME
};

QByteArray renderMetrics(const MetricsSources &from);

}  // namespace hlscam
