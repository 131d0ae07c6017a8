// What an admin (or the desktop app) reads to see how the service is doing: GET /api/v1/status
// (version, uptime, each camera's source, encoder and why, size, rate, viewers, last error, and
// how soon after capture its newest part was ready), GET /api/v1/cameras[/NAME] (their settings),
// GET /api/v1/devices (the V4L2 cameras of the machine).
#pragma once

#include "http/Response.h"

#include <QElapsedTimer>
#include <QList>

namespace hlscam {

class Camera;
class ViewerCounter;
class JpegRoutes;
class WebRtcServer;
class AcmeCertificate;

class StatusRoutes {
public:
    StatusRoutes(const QList<Camera *> &cameras, ViewerCounter *viewers);

    // Where the snapshot and MJPEG counters are (none: not reported).
    void setJpegRoutes(const JpegRoutes *jpeg) { m_jpeg = jpeg; }

    Response status() const;
    Response cameras() const;
    Response camera(const QString &name) const;
    Response devices() const;
    void setWebRtc(const WebRtcServer *webrtc) { m_webrtc = webrtc; }
    // The ACME certificate whose days to expiry the status gives (none: null there).
    void setAcme(const AcmeCertificate *acme) { m_acme = acme; }

private:
    QList<Camera *> m_cameras;
    ViewerCounter *m_viewers;
    const WebRtcServer *m_webrtc = nullptr;
    const JpegRoutes *m_jpeg = nullptr;
    const AcmeCertificate *m_acme = nullptr;
    QElapsedTimer m_uptime;
};

}  // namespace hlscam
