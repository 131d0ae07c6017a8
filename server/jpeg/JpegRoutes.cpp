#include "jpeg/JpegRoutes.h"

#include "camera/Camera.h"
#include "http/Response.h"
#include "jpeg/JpegEncoder.h"
#include "jpeg/JpegFeed.h"
#include "jpeg/MjpegStreams.h"

#include <QDateTime>
#include <QLocale>
#include <QPointer>
#include <memory>

namespace hlscam {

namespace {

// A query parameter in [min, max]; `fallback` when absent; nullopt when malformed or outside.
std::optional<int> intParameter(const QUrlQuery &query, const QString &name, int min, int max, int fallback)
{
    if (!query.hasQueryItem(name))
        return fallback;
    const QString text = query.queryItemValue(name);
    bool ok = false;
    const int value = text.size() <= 6 ? text.toInt(&ok) : 0;
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

Response badParameter(const QString &name, int min, int max)
{
    return Response::text(
        Status::BadRequest,
        QStringLiteral("%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max).toUtf8());
}

// An HTTP-date (RFC 9110 5.6.7).
QByteArray httpDate(qint64 wallUs)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(wallUs / 1000, Qt::UTC);
    return QLocale::c().toString(t, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
}

Response notFound() { return Response::text(Status::NotFound, "not found"); }

}  // namespace

JpegRoutes::JpegRoutes(const QList<Camera *> &cameras, QObject *parent)
    : QObject(parent),
      m_streams(new MjpegStreams(this))
{
    for (Camera *camera : cameras)
        m_feeds.insert(camera->name(), new JpegFeed(camera, this));
}

void JpegRoutes::snapshot(const QString &camera, const QUrlQuery &query, bool headOnly,
                          QHttpServerResponder &&responder, QTcpSocket *socket)
{
    JpegFeed *feed = m_feeds.value(camera);
    if (!feed) {
        send(responder, notFound(), headOnly, "snapshot");
        return;
    }
    const int maxWidth = qMax(16, feed->camera()->settings().width);
    const std::optional<int> width = intParameter(query, QStringLiteral("width"), 16, maxWidth, 0);
    if (!width) {
        send(responder, badParameter(QStringLiteral("width"), 16, maxWidth), headOnly, "snapshot");
        return;
    }
    const std::optional<int> quality = intParameter(query, QStringLiteral("quality"), 1, 100, kDefaultJpegQuality);
    if (!quality) {
        send(responder, badParameter(QStringLiteral("quality"), 1, 100), headOnly, "snapshot");
        return;
    }
    // The responder waits with the request; the answer goes out only if the client is still there.
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    feed->request(*width, *quality,
                  [this, held, camera, headOnly, client = QPointer<QTcpSocket>(socket)](const Result<Jpeg> &jpeg) {
                      if (!client || client->state() != QAbstractSocket::ConnectedState)
                          return;
                      if (!jpeg.ok()) {
                          send(*held,
                               Response::text(Status::ServiceUnavailable, jpeg.error().message.toUtf8())
                                   .header("Retry-After", "1"),
                               headOnly, "snapshot");
                          return;
                      }
                      // Never cached: each request should show the newest moment.
                      Response r = Response::content("image/jpeg", jpeg.value().data, "no-store");
                      r.header("Last-Modified", httpDate(jpeg.value().wallUs));
                      send(*held, r, headOnly, "snapshot");
                      if (!headOnly) {
                          JpegCounters &c = m_snapshots[camera];
                          ++c.snapshots;
                          c.snapshotBytes += quint64(jpeg.value().data.size());
                      }
                  });
}

bool JpegRoutes::mjpeg(const QString &camera, const QUrlQuery &query, bool headOnly, QHttpServerResponder &&responder,
                       QTcpSocket *socket)
{
    JpegFeed *feed = m_feeds.value(camera);
    if (!feed) {
        send(responder, notFound(), headOnly, "mjpeg");
        return false;
    }
    const int cameraFps = qMax(1, feed->camera()->settings().fps);
    // Lower only: a higher rate than the camera's is the camera's.
    const std::optional<int> fps = intParameter(query, QStringLiteral("fps"), 1, 1000, cameraFps);
    if (!fps) {
        send(responder, badParameter(QStringLiteral("fps"), 1, 1000), headOnly, "mjpeg");
        return false;
    }
    if (headOnly) {
        Response r;
        r.contentType = QByteArray("multipart/x-mixed-replace; boundary=hlscamframe");
        r.header("Cache-Control", "no-store");
        send(responder, r, true, "mjpeg");
        return false;
    }
    return m_streams->watch(feed, qMin(*fps, cameraFps), responder, socket);
}

JpegCounters JpegRoutes::counters(const QString &camera) const
{
    JpegCounters c = m_snapshots.value(camera);
    m_streams->addCounters(camera, c);
    return c;
}

}  // namespace hlscam
