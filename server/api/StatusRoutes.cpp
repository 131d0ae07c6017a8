#include "api/StatusRoutes.h"
#include "acme/AcmeCertificate.h"

#include "api/CameraJson.h"
#include "camera/Camera.h"
#include "capture/DeviceCatalog.h"
#include "hls/SegmentStore.h"
#include "http/ViewerCounter.h"
#include "jpeg/JpegRoutes.h"
#include "webrtc/WebRtcServer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace hlscam {

namespace {

QJsonValue orNull(qint64 v) { return v < 0 ? QJsonValue() : QJsonValue(v); }

}  // namespace

StatusRoutes::StatusRoutes(const QList<Camera *> &cameras, ViewerCounter *viewers)
    : m_cameras(cameras),
      m_viewers(viewers)
{
    m_uptime.start();
}

Response StatusRoutes::status() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QJsonArray cameras;
    for (Camera *p : m_cameras) {
        const CameraStatus s = p->status();
        const StorePosition at = p->store()->position();
        QJsonObject c = cameraJson(p->settings());
        c.insert(QStringLiteral("state"), cameraStateName(s.state));
        c.insert(QStringLiteral("source"), s.source);
        c.insert(QStringLiteral("encoder_in_use"), s.encoder);
        c.insert(QStringLiteral("encoders_passed_over"), QJsonArray::fromStringList(s.encoderPassedOver));
        c.insert(QStringLiteral("last_error"), s.lastError.isEmpty() ? QJsonValue() : QJsonValue(s.lastError));
        c.insert(QStringLiteral("fault"), s.fault == Fault::None ? QJsonValue() : QJsonValue(faultName(s.fault)));
        c.insert(QStringLiteral("frames"), s.framesCaptured);
        c.insert(QStringLiteral("frames_dropped"), s.framesDropped);
        c.insert(QStringLiteral("viewers"), m_viewers->count(p->name(), now));
        c.insert(QStringLiteral("part_delay_ms"), orNull(at.lastPartDelayMs));
        c.insert(QStringLiteral("last_part_age_ms"), orNull(at.lastPartStoredMs < 0 ? -1 : now - at.lastPartStoredMs));
        c.insert(QStringLiteral("playlist"), QStringLiteral("/cam/%1/index.m3u8").arg(p->name()));
        if (m_webrtc) {
            const WebRtcCameraStats w = m_webrtc->stats(p->name());
            c.insert(QStringLiteral("webrtc"),
                     QJsonObject{{QStringLiteral("sessions"), w.sessions},
                                 {QStringLiteral("packets"), w.counters.packets},
                                 {QStringLiteral("bytes"), w.counters.bytes},
                                 {QStringLiteral("nacks"), w.counters.nacks},
                                 {QStringLiteral("retransmitted"), w.counters.retransmitted},
                                 {QStringLiteral("picture_loss"), w.counters.pictureLoss},
                                 {QStringLiteral("key_frames_requested"), s.keyFramesRequested},
                                 {QStringLiteral("whep"), QStringLiteral("/cam/%1/whep").arg(p->name())}});
        }
        if (m_jpeg) {
            const JpegCounters j = m_jpeg->counters(p->name());
            c.insert(QStringLiteral("snapshots"), qint64(j.snapshots));
            c.insert(QStringLiteral("snapshot_bytes"), qint64(j.snapshotBytes));
            c.insert(QStringLiteral("mjpeg_clients"), j.mjpegClients);
            c.insert(QStringLiteral("mjpeg_frames"), qint64(j.mjpegFrames));
            c.insert(QStringLiteral("mjpeg_bytes"), qint64(j.mjpegBytes));
        }
        cameras.append(c);
    }
    // Days until the ACME certificate expires; null without ACME or before the first one.
    const QJsonValue certificateDays =
        m_acme && m_acme->issued() ? QJsonValue(m_acme->daysLeft()) : QJsonValue(QJsonValue::Null);
    return Response::json(Status::Ok, QJsonObject{{QStringLiteral("version"), QStringLiteral(HLSCAM_VERSION)},
                                                  {QStringLiteral("uptime_s"), m_uptime.elapsed() / 1000},
                                                  {QStringLiteral("certificate_days_left"), certificateDays},
                                                  {QStringLiteral("cameras"), cameras}});
}

Response StatusRoutes::cameras() const
{
    QJsonArray out;
    for (Camera *p : m_cameras)
        out.append(cameraJson(p->settings()));
    return Response::json(Status::Ok, out);
}

Response StatusRoutes::camera(const QString &name) const
{
    for (Camera *p : m_cameras)
        if (p->name() == name)
            return Response::json(Status::Ok, cameraJson(p->settings()));
    return Response::jsonError(Status::NotFound, QStringLiteral("no camera '%1'").arg(name.left(64)));
}

Response StatusRoutes::devices() const
{
    QJsonArray out;
    for (const DeviceInfo &d : listCaptureDevices()) {
        QJsonArray formats;
        for (const DeviceFormat &f : d.formats) {
            QJsonArray sizes;
            for (const QSize &s : f.sizes)
                sizes.append(QStringLiteral("%1x%2").arg(s.width()).arg(s.height()));
            formats.append(QJsonObject{{QStringLiteral("fourcc"), f.fourcc},
                                       {QStringLiteral("description"), f.description},
                                       {QStringLiteral("sizes"), sizes}});
        }
        out.append(QJsonObject{{QStringLiteral("path"), d.path},
                               {QStringLiteral("stable_names"), QJsonArray::fromStringList(d.stableNames)},
                               {QStringLiteral("card"), d.card},
                               {QStringLiteral("driver"), d.driver},
                               {QStringLiteral("bus"), d.bus},
                               {QStringLiteral("formats"), formats}});
    }
    return Response::json(Status::Ok, out);
}

}  // namespace hlscam
