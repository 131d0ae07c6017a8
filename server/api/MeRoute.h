// GET /api/v1/me: who the caller is and the cameras they may watch, with each camera's state and
// URLs. The viewer page builds its grid from it; any signed-in user (viewer or admin) may read it,
// and so may anyone when anonymous viewing is on.
#pragma once

#include "http/RequestContext.h"
#include "http/Response.h"

#include <QList>

namespace hlscam {

class Camera;

// The cameras `request`'s caller may see, in configuration order. The one place the page's
// camera list is filtered: per-camera access (a user limited to some cameras) plugs in here.
QList<Camera *> camerasVisibleTo(const RequestContext &request, const QList<Camera *> &cameras);

// The answer: {"user", "role", "cameras": [{"name", "state", "fault", "width", "height", "fps",
// "playlist", "snapshot", "mjpeg", "whep"}]}. "user" is null for an anonymous viewer.
Response meRoute(const RequestContext &request, const QList<Camera *> &cameras);

}  // namespace hlscam
