// PUT /api/v1/cameras/NAME: new device, size, rate, bitrate or encoder for a camera, checked
// with the config file's own rules (and a new device must be a camera or a file in media_dir,
// see DevicePolicy), recorded in the state
// directory's camera overrides, then applied live: the camera's pipeline restarts and players
// get a discontinuity on the same playlist, not an error. Bad input changes nothing.
#pragma once

#include "config/Settings.h"
#include "http/Response.h"

namespace hlscam {

class Camera;

Response updateCamera(Camera *target, const QByteArray &body, const PathSettings &paths);

}  // namespace hlscam
