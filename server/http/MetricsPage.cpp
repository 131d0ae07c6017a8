#include "http/MetricsPage.h"

#include "acme/AcmeCertificate.h"
#include "auth/BanStore.h"
#include "camera/Camera.h"
#include "hls/SegmentStore.h"
#include "http/Metrics.h"
#include "http/ViewerCounter.h"
#include "jpeg/JpegRoutes.h"
#include "net/Listener.h"
#include "webrtc/WebRtcServer.h"

#include <QDateTime>

namespace hlscam {

namespace {

// One metric: its HELP and TYPE lines, then a sample per camera (or one without labels).
class Family {
public:
    Family(QByteArray &out, const char *name, const char *type, const char *help)
        : m_out(out),
          m_name(name)
    {
        m_out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    }
    void sample(double value, const QByteArray &labels = {})
    {
        m_out += m_name + (labels.isEmpty() ? QByteArray() : '{' + labels + '}') + ' ' +
                 QByteArray::number(value, 'g', 15) + '\n';
    }

private:
    QByteArray &m_out;
    QByteArray m_name;
};

QByteArray cameraLabel(const Camera *p) { return "camera=\"" + promLabel(p->name().toUtf8()) + '"'; }

}  // namespace

QByteArray renderMetrics(const MetricsSources &from)
{
    QByteArray out;
    Family(out, "hlscam_build_info", "gauge", "The running version.").sample(1, "version=\"" HLSCAM_VERSION "\"");
    Family(out, "hlscam_uptime_seconds", "gauge", "Seconds since the service started.")
        .sample(double(from.uptimeMs) / 1000);

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Family viewers(out, "hlscam_viewers", "gauge",
                   "Distinct clients that fetched the camera's media in the last 10 s.");
    for (const Camera *p : from.cameras)
        viewers.sample(from.viewers->count(p->name(), now), cameraLabel(p));
    // Each family's samples follow its own HELP and TYPE lines, as the text format requires.
    struct Sample {
        QByteArray label;
        CameraStatus status;
        StorePosition at;
    };
    QList<Sample> cameras;
    for (const Camera *p : from.cameras)
        cameras.append({cameraLabel(p), p->status(), p->store()->position()});
    Family streaming(out, "hlscam_camera_streaming", "gauge", "1 while the camera's pipeline streams, else 0.");
    for (const Sample &c : cameras)
        streaming.sample(c.status.state == CameraState::Streaming ? 1 : 0, c.label);
    Family fault(out, "hlscam_camera_fault", "gauge",
                 "1 for the kind of the camera's last failure while it is not streaming (no-device, busy, "
                 "no-permission, stalled, unsupported-format, module-missing, encoder, io, other).");
    for (const Sample &c : cameras)
        if (c.status.fault != Fault::None && c.status.state != CameraState::Streaming)
            fault.sample(1, c.label + ",fault=\"" + faultName(c.status.fault).toUtf8() + '"');
    Family frames(out, "hlscam_encoder_frames_total", "counter",
                  "Frames captured and encoded since the pipeline (re)started.");
    for (const Sample &c : cameras)
        frames.sample(double(c.status.framesCaptured), c.label);
    Family dropped(out, "hlscam_camera_frames_dropped_total", "counter",
                   "Frames the camera's driver lost (gaps in its sequence numbers) since the pipeline (re)started.");
    for (const Sample &c : cameras)
        dropped.sample(double(c.status.framesDropped), c.label);
    Family delay(out, "hlscam_part_delay_seconds", "gauge",
                 "How long after the time it covers the newest part was ready.");
    for (const Sample &c : cameras)
        if (c.at.lastPartDelayMs >= 0)
            delay.sample(double(c.at.lastPartDelayMs) / 1000, c.label);
    Family age(out, "hlscam_last_part_age_seconds", "gauge", "Seconds since the newest part was stored.");
    for (const Sample &c : cameras)
        if (c.at.lastPartStoredMs >= 0)
            age.sample(double(now - c.at.lastPartStoredMs) / 1000, c.label);
    Family keys(out, "hlscam_key_frames_requested_total", "counter",
                "Key frames forced because a WebRTC viewer joined or lost the picture (PLI, FIR).");
    for (const Sample &c : cameras)
        keys.sample(double(c.status.keyFramesRequested), c.label);
    if (from.webrtc) {
        QList<std::pair<QByteArray, WebRtcCameraStats>> rtc;
        for (const Camera *p : from.cameras)
            rtc.append({cameraLabel(p), from.webrtc->stats(p->name())});
        Family sessions(out, "hlscam_webrtc_sessions", "gauge", "WebRTC (WHEP) sessions open now.");
        for (const auto &[label, w] : rtc)
            sessions.sample(w.sessions, label);
        Family bytes(out, "hlscam_webrtc_sent_bytes_total", "counter", "RTP payload bytes sent to WebRTC viewers.");
        for (const auto &[label, w] : rtc)
            bytes.sample(double(w.counters.bytes), label);
        Family nacks(out, "hlscam_webrtc_nacks_total", "counter", "Packets WebRTC viewers asked again (NACK).");
        for (const auto &[label, w] : rtc)
            nacks.sample(double(w.counters.nacks), label);
        Family plis(out, "hlscam_webrtc_picture_loss_total", "counter",
                    "Key frame requests from WebRTC viewers (PLI, FIR).");
        for (const auto &[label, w] : rtc)
            plis.sample(double(w.counters.pictureLoss), label);
    }
    if (from.jpeg) {
        QList<std::pair<QByteArray, JpegCounters>> jpeg;
        for (const Camera *p : from.cameras)
            jpeg.append({cameraLabel(p), from.jpeg->counters(p->name())});
        Family snapshots(out, "hlscam_snapshots_total", "counter", "Snapshots (snapshot.jpg) sent.");
        for (const auto &[label, c] : jpeg)
            snapshots.sample(double(c.snapshots), label);
        Family snapshotBytes(out, "hlscam_snapshot_bytes_total", "counter", "JPEG bytes of the snapshots sent.");
        for (const auto &[label, c] : jpeg)
            snapshotBytes.sample(double(c.snapshotBytes), label);
        Family clients(out, "hlscam_mjpeg_clients", "gauge", "Watchers of the camera's stream.mjpg now.");
        for (const auto &[label, c] : jpeg)
            clients.sample(c.mjpegClients, label);
        Family mjpegFrames(out, "hlscam_mjpeg_frames_total", "counter",
                           "MJPEG frames sent (one per watcher and frame; frames a slow watcher skipped are not).");
        for (const auto &[label, c] : jpeg)
            mjpegFrames.sample(double(c.mjpegFrames), label);
        Family bytes(out, "hlscam_mjpeg_bytes_total", "counter", "Bytes sent to MJPEG watchers.");
        for (const auto &[label, c] : jpeg)
            bytes.sample(double(c.mjpegBytes), label);
    }
    if (from.listener) {
        const Listener::Counters &c = from.listener->counters();
        Family(out, "hlscam_connections_open", "gauge", "Open client connections.")
            .sample(from.listener->connectionCount());
        Family refused(out, "hlscam_connections_refused_total", "counter",
                       "Connections closed at accept: banned address or over a limit.");
        refused.sample(double(c.refusedBanned), "reason=\"banned\"");
        refused.sample(double(c.refusedLimit), "reason=\"limit\"");
        Family(out, "hlscam_requests_timed_out_total", "counter",
               "Requests not sent whole within header_timeout (408).")
            .sample(double(c.timedOut));
        Family(out, "hlscam_requests_too_large_total", "counter", "Requests over max_request_bytes (431, 413).")
            .sample(double(c.tooLarge));
    }
    if (from.acme && from.acme->issued())
        Family(out, "hlscam_certificate_days_left", "gauge", "Days until the ACME certificate served expires.")
            .sample(from.acme->daysLeft());
    if (from.bans)
        Family(out, "hlscam_bans_active", "gauge", "Addresses banned now.").sample(double(from.bans->bans().size()));
    return out + Metrics::instance().render();
}

}  // namespace hlscam
