// The JSON API under /api/v1 (documented in README): URL tokens for the signed-in user; status,
// cameras, devices, users and bans for admins. Requests arrive authenticated; this checks roles, methods and input.
#pragma once

#include "api/ControlRoutes.h"
#include "api/StatusRoutes.h"
#include "config/Settings.h"
#include "http/RequestContext.h"
#include "http/Response.h"

#include <QObject>
#include <QStringList>

namespace hlscam {

class Authenticator;
class BanStore;
class Camera;
class ViewerCounter;
class JpegRoutes;

class ApiRoutes : public QObject {
    Q_OBJECT
public:
    // `paths`: where camera changes are kept (see CameraOverrides), the media directory.
    ApiRoutes(Authenticator *auth, BanStore *bans, const QList<Camera *> &cameras, ViewerCounter *viewers,
              const PathSettings &paths, QObject *parent = nullptr);

    Response handle(const RequestContext &request);
    // For the routes that answer later (a camera's controls: its device is read off the event
    // loop): true when `request` is one of them; `answer` is then called once, now or later.
    bool answersLater(const RequestContext &request, const Answer &answer);
    // The WebRTC sessions shown in the status (none when WebRTC is off).
    void setWebRtc(const WebRtcServer *webrtc) { m_status.setWebRtc(webrtc); }
    // Snapshot and MJPEG counters for /api/v1/status.
    void setJpegRoutes(const JpegRoutes *jpeg) { m_status.setJpegRoutes(jpeg); }
    void setAcme(const AcmeCertificate *acme) { m_status.setAcme(acme); }

private:
    Response tokens(const RequestContext &request);
    Response listBans() const;
    Response unban(const RequestContext &request, const QString &address);

    Authenticator *m_auth;
    BanStore *m_bans;
    QList<Camera *> m_cameras;
    QStringList m_cameraNames;
    PathSettings m_paths;
    StatusRoutes m_status;
};

}  // namespace hlscam
