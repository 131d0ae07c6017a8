// A camera's controls as the API shows them, and a PUT body's {key: value} turned into the
// values to write: checked against the controls the camera has (an unknown key, a value out of
// range or of the wrong kind, a read-only control are each a sentence naming the key).
#pragma once

#include "camera/CameraControl.h"

#include <QJsonArray>
#include <QJsonObject>

namespace hlscam {

QJsonObject controlJson(const CameraControl &control);
QJsonArray controlsJson(const QList<CameraControl> &controls);

// Values: a whole number for int, int64 and bitmask controls; true/false (or 0/1) for bool;
// the entry's index or its name for menus; true for a button (it is pressed).
Result<ControlValues> controlValuesFromJson(const QList<CameraControl> &controls, const QJsonObject &body);

}  // namespace hlscam
