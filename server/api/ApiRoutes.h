// The JSON API under /api/v1 (documented in README): URL tokens for the signed-in user; status,
// cameras, devices, users and bans for admins. Requests arrive authenticated; this checks roles, methods and input.
#pragma once

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
    // Snapshot and MJPEG counters for /api/v1/status.
    void setJpegRoutes(const JpegRoutes *jpeg) { m_status.setJpegRoutes(jpeg); }

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
