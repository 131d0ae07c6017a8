// The one decision of who may see which camera, asked by every route that serves or controls a
// camera (media, snapshots, MJPEG, WHEP, tokens, the camera API): admins see every camera, other
// users the cameras of their users-file line. A request by URL token carries its user's cameras as
// they are now, so narrowing a user's cameras also narrows the tokens made before.
#pragma once

#include "http/RequestContext.h"
#include "http/Response.h"

namespace hlscam {

bool maySeeCamera(Role role, const CameraAccess &cameras, const QString &camera);
// The same for a request, with the identity it was authenticated with.
bool maySeeCamera(const RequestContext &request, const QString &camera);

// The answer for a camera the request may not see: a 403, not a login failure (no ban counts it).
Response cameraForbidden(const QString &camera);

}  // namespace hlscam
