// A camera's adjustable settings as its driver offers them (brightness, exposure, white balance,
// focus, power-line frequency...): what the admin API lists and changes. Plain values with no
// V4L2 header, so the server and the desktop app never include the kernel's. The names and
// checks here are the same for every driver; V4l2Controls reads and writes them.
#pragma once

#include "Error.h"

#include <QList>
#include <QMap>
#include <QString>
#include <optional>

namespace hlscam {

enum class ControlType { Integer, Boolean, Menu, IntegerMenu, Button, Integer64, Bitmask };
// "int", "bool", "menu", "int_menu", "button", "int64", "bitmask": the API's words.
QString controlTypeName(ControlType type);

struct ControlMenuEntry {
    qint64 index = 0;  // what is written to select it
    QString name;      // the driver's words; for an integer menu, its value as text
    bool operator==(const ControlMenuEntry &) const = default;
};

struct CameraControl {
    quint32 id = 0;
    QString key;   // stable name from the driver's: "white_balance_automatic"
    QString name;  // the driver's: "White Balance, Automatic"
    ControlType type = ControlType::Integer;
    qint64 minimum = 0;
    qint64 maximum = 0;
    qint64 step = 1;
    qint64 defaultValue = 0;
    QList<ControlMenuEntry> menu;  // menus only: the entries the driver lists (some indexes skipped)
    std::optional<qint64> value;   // none for buttons and write-only controls
    bool readOnly = false;
    bool inactive = false;  // e.g. the white balance temperature while automatic is on
    bool operator==(const CameraControl &) const = default;
};

// Control values by key, as the API sets them and the camera overrides keep them.
using ControlValues = QMap<QString, qint64>;

// The key for a driver's control name, as v4l2-ctl spells it: lower case, every run of other
// characters than letters and digits one '_', none at the ends ("White Balance, Automatic" ->
// "white_balance_automatic"). Empty when the name has no letter or digit.
QString controlKey(const QString &driverName);

// Whether a key may stand in a config file or a request: 1 to 64 of a-z, 0-9 and '_'.
bool isControlKey(const QString &key);

// Why `value` cannot be written to `control` (Fault::InvalidValue, a sentence naming the key and
// what it takes), or success.
Error checkControlValue(const CameraControl &control, qint64 value);

// The control of `controls` with `key`, or nullptr.
const CameraControl *findControl(const QList<CameraControl> &controls, const QString &key);

}  // namespace hlscam
