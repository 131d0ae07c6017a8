#include "camera/CameraControl.h"

#include <QRegularExpression>

namespace hlscam {

QString controlTypeName(ControlType type)
{
    switch (type) {
    case ControlType::Integer: return QStringLiteral("int");
    case ControlType::Boolean: return QStringLiteral("bool");
    case ControlType::Menu: return QStringLiteral("menu");
    case ControlType::IntegerMenu: return QStringLiteral("int_menu");
    case ControlType::Button: return QStringLiteral("button");
    case ControlType::Integer64: return QStringLiteral("int64");
    case ControlType::Bitmask: return QStringLiteral("bitmask");
    }
    return QStringLiteral("int");
}

QString controlKey(const QString &driverName)
{
    QString key;
    bool gap = false;
    for (const QChar c : driverName) {
        // ASCII only: the kernel's names are, and a key must stay a config file's word.
        if (c.unicode() < 128 && c.isLetterOrNumber()) {
            if (gap && !key.isEmpty())
                key += u'_';
            key += c.toLower();
            gap = false;
        } else {
            gap = true;
        }
    }
    return key.left(64);
}

bool isControlKey(const QString &key)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9_]{1,64}$"));
    return pattern.match(key).hasMatch();
}

const CameraControl *findControl(const QList<CameraControl> &controls, const QString &key)
{
    for (const CameraControl &c : controls)
        if (c.key == key)
            return &c;
    return nullptr;
}

Error checkControlValue(const CameraControl &c, qint64 value)
{
    const auto refuse = [&](const QString &why) {
        return Error{Fault::InvalidValue, c.key + QStringLiteral(": ") + why};
    };
    if (c.readOnly)
        return refuse(QStringLiteral("read-only, it cannot be set"));
    switch (c.type) {
    case ControlType::Button: return {};  // any value presses it
    case ControlType::Boolean:
        if (value != 0 && value != 1)
            return refuse(QStringLiteral("%1 is not a switch position (allowed: true or false)").arg(value));
        return {};
    case ControlType::Menu:
    case ControlType::IntegerMenu: {
        for (const ControlMenuEntry &e : c.menu)
            if (e.index == value)
                return {};
        QStringList allowed;
        for (const ControlMenuEntry &e : c.menu)
            allowed << QStringLiteral("%1 (%2)").arg(e.index).arg(e.name);
        return refuse(QStringLiteral("%1 is not one of its entries (allowed: %2)")
                          .arg(value)
                          .arg(allowed.join(QStringLiteral(", "))));
    }
    case ControlType::Bitmask:
        if (value < 0 || (quint64(value) & ~quint64(c.maximum)) != 0)
            return refuse(
                QStringLiteral("%1 has bits outside the mask 0x%2").arg(value).arg(quint64(c.maximum), 0, 16));
        return {};
    case ControlType::Integer:
    case ControlType::Integer64: break;
    }
    const qint64 step = qMax<qint64>(1, c.step);
    // (unsigned: the distance from a 64-bit minimum does not fit a signed number)
    if (value < c.minimum || value > c.maximum || (quint64(value) - quint64(c.minimum)) % quint64(step) != 0)
        return refuse(QStringLiteral("%1 is out of range (allowed: %2 to %3%4)")
                          .arg(value)
                          .arg(c.minimum)
                          .arg(c.maximum)
                          .arg(step == 1 ? QString() : QStringLiteral(" in steps of %1").arg(step)));
    return {};
}

}  // namespace hlscam
