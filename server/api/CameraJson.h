// A camera's settings as the API shows them.
#pragma once

#include "config/Settings.h"

#include <QJsonObject>

namespace hlscam {

QJsonObject cameraJson(const CameraSettings &camera);

}  // namespace hlscam
