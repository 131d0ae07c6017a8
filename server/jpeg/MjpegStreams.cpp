#include "jpeg/MjpegStreams.h"

#include "Clock.h"
#include "Logging.h"
#include "camera/Camera.h"
#include "http/Metrics.h"
#include "http/Response.h"
#include "jpeg/JpegEncoder.h"
#include "net/StrictTransport.h"

#include <algorithm>

namespace hlscam {

namespace {
constexpr char kBoundary[] = "hlscamframe";

bool connected(const QPointer<QTcpSocket> &socket)
{
    return socket && socket->state() == QAbstractSocket::ConnectedState;
}
}  // namespace

bool MjpegStreams::watch(JpegFeed *feed, int fps, QHttpServerResponder &responder, QTcpSocket *socket)
{
    Camera *camera = feed->camera();
    const CameraSettings settings = camera->settings();
    Streams &s = m_streams[camera->name()];
    s.feed = feed;
    prune(s);
    if (qsizetype(s.watchers.size()) >= settings.mjpegMaxClients) {
        const QByteArray why = settings.mjpegMaxClients == 0 ? "MJPEG is off for this camera (mjpeg_max_clients = 0)"
                                                             : "too many MJPEG watchers of this camera";
        send(responder, Response::text(Status::ServiceUnavailable, why).header("Retry-After", "5"), false, "mjpeg");
        return false;
    }
    Metrics::instance().answered("mjpeg", 200, 0);
    // No Content-Length: the body lasts until either side closes (RFC 9112 6.3), so the
    // connection is not reused.
    responder.writeStatusLine(Status::Ok);
    responder.writeHeader("Content-Type", QByteArray("multipart/x-mixed-replace; boundary=") + kBoundary);
    responder.writeHeader("Cache-Control", "no-store");
    responder.writeHeader("Connection", "close");
    responder.writeHeader("X-Content-Type-Options", "nosniff");
    if (strictTransport(socket))
        responder.writeHeader("Strict-Transport-Security", "max-age=31536000");
    responder.writeBody("", 0);  // ends the head; the parts follow as frames come

    const int cameraFps = qMax(1, settings.fps);
    s.watchers.push_back(Watcher{socket, 1000000 / qBound(1, fps > 0 ? fps : cameraFps, cameraFps), 0, 0});
    connect(socket, &QAbstractSocket::disconnected, this, [this, name = camera->name()] {
        if (auto it = m_streams.find(name); it != m_streams.end())
            prune(it->second);
    });
    if (!s.frames)
        s.frames = connect(
            camera, &Camera::pictureCaptured, this, [this, &s] { onPicture(s); }, Qt::QueuedConnection);
    onPicture(s);  // the newest picture at once, not a frame later
    return true;
}

void MjpegStreams::prune(Streams &s)
{
    s.watchers.remove_if([](const Watcher &w) { return !connected(w.socket); });
    if (s.watchers.empty() && s.frames) {
        disconnect(s.frames);  // nobody watches: no more encoding
        s.frames = {};
    }
}

void MjpegStreams::onPicture(Streams &s)
{
    // One encode at a time per camera: frames that come meanwhile are skipped, so a camera
    // faster than its encoder lowers the stream's rate instead of queueing work.
    if (s.encoding)
        return;
    prune(s);
    const qint64 now = monotonicUs();
    const qint64 slackUs = 500000 / qMax(1, s.feed->camera()->settings().fps);
    const bool due = std::any_of(s.watchers.begin(), s.watchers.end(), [&](const Watcher &w) {
        return w.lastSentUs == 0 || now - w.lastSentUs >= w.intervalUs - slackUs;
    });
    if (!due)
        return;
    s.encoding = true;
    const QString name = s.feed->camera()->name();
    s.feed->request(0, kDefaultJpegQuality, [this, name](const Result<Jpeg> &jpeg) {
        const auto it = m_streams.find(name);
        if (it == m_streams.end())
            return;
        it->second.encoding = false;
        if (jpeg.ok())
            deliver(it->second, jpeg.value());
    });
}

void MjpegStreams::deliver(Streams &s, const Jpeg &jpeg)
{
    const qint64 now = monotonicUs();
    const qint64 slackUs = 500000 / qMax(1, s.feed->camera()->settings().fps);
    const QByteArray head = QByteArray("--") + kBoundary +
                            "\r\nContent-Type: image/jpeg\r\nContent-Length: " + QByteArray::number(jpeg.data.size()) +
                            "\r\nX-Timestamp: " + QByteArray::number(double(jpeg.wallUs) / 1e6, 'f', 6) + "\r\n\r\n";
    for (Watcher &w : s.watchers) {
        if (!connected(w.socket))
            continue;
        if (w.lastSentUs != 0 && now - w.lastSentUs < w.intervalUs - slackUs)
            continue;  // a lower ?fps=
        if (w.lastFrame == jpeg.frame)
            continue;  // that picture again (the newest key frame of a passed-through camera)
        // What the kernel would not take yet of an earlier frame: this one is skipped.
        if (w.socket->bytesToWrite() > 0)
            continue;
        w.socket->write(head);
        w.socket->write(jpeg.data);
        w.socket->write("\r\n");
        w.lastSentUs = now;
        w.lastFrame = jpeg.frame;
        ++s.framesSent;
        s.bytesSent += quint64(head.size() + jpeg.data.size() + 2);
    }
}

void MjpegStreams::addCounters(const QString &camera, JpegCounters &into) const
{
    const auto it = m_streams.find(camera);
    if (it == m_streams.end())
        return;
    into.mjpegClients = int(std::count_if(it->second.watchers.begin(), it->second.watchers.end(),
                                          [](const Watcher &w) { return connected(w.socket); }));
    into.mjpegFrames = it->second.framesSent;
    into.mjpegBytes = it->second.bytesSent;
}

}  // namespace hlscam
