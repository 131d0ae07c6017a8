// GET and PUT /api/v1/cameras/NAME/controls: the camera's controls with their values, and new
// values for some, written live (all or none), kept in the state directory's camera overrides
// and applied again whenever the camera opens. The camera reads and writes its device off the
// event loop, so these answer later, through `answer`.
#pragma once

#include "config/Settings.h"
#include "http/Response.h"

#include <QObject>
#include <functional>

namespace hlscam {

class Camera;

using Answer = std::function<void(const Response &)>;

// `context`: the object `answer` is called on the thread of (never after it is gone).
void readCameraControls(Camera *camera, QObject *context, Answer answer);
void writeCameraControls(Camera *camera, const QByteArray &body, const PathSettings &paths, QObject *context,
                         Answer answer);

}  // namespace hlscam
