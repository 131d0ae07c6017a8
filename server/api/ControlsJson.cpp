#include "api/ControlsJson.h"

#include <cmath>

namespace hlscam {

namespace {

// JSON numbers are doubles: whole ones up to 2^53 are exact, which every real control fits.
constexpr double kLargestExact = 9007199254740992.0;

std::optional<qint64> wholeNumber(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d != std::floor(d) || std::fabs(d) > kLargestExact)
        return std::nullopt;
    return qint64(d);
}

Error wrongKind(const CameraControl &c, const QString &what)
{
    return {Fault::InvalidValue, QStringLiteral("%1 takes %2").arg(c.key, what)};
}

Result<qint64> valueFor(const CameraControl &c, const QJsonValue &v)
{
    switch (c.type) {
    case ControlType::Boolean:
        if (v.isBool())
            return qint64(v.toBool());
        if (const std::optional<qint64> n = wholeNumber(v); n && (*n == 0 || *n == 1))
            return *n;
        return wrongKind(c, QStringLiteral("true or false"));
    case ControlType::Button:
        if (v == QJsonValue(true) || wholeNumber(v) == 1)
            return qint64(1);
        return wrongKind(c, QStringLiteral("true (a button: setting it presses it)"));
    case ControlType::Menu:
    case ControlType::IntegerMenu:
        if (v.isString()) {
            for (const ControlMenuEntry &e : c.menu)
                if (e.name.compare(v.toString(), Qt::CaseInsensitive) == 0)
                    return e.index;
            QStringList names;
            for (const ControlMenuEntry &e : c.menu)
                names << e.name;
            return Error{Fault::InvalidValue,
                         QStringLiteral("%1: '%2' is not one of its entries (allowed: %3, or their index)")
                             .arg(c.key, v.toString().left(64), names.join(QStringLiteral(", ")))};
        }
        if (const std::optional<qint64> n = wholeNumber(v))
            return *n;
        return wrongKind(c, QStringLiteral("an entry's index or name"));
    case ControlType::Integer:
    case ControlType::Integer64:
    case ControlType::Bitmask:
        if (const std::optional<qint64> n = wholeNumber(v))
            return *n;
        return wrongKind(c, QStringLiteral("a whole number"));
    }
    return wrongKind(c, QStringLiteral("a whole number"));
}

}  // namespace

QJsonObject controlJson(const CameraControl &c)
{
    QJsonObject o{{QStringLiteral("key"), c.key},
                  {QStringLiteral("name"), c.name},
                  {QStringLiteral("id"), qint64(c.id)},
                  {QStringLiteral("type"), controlTypeName(c.type)},
                  {QStringLiteral("min"), c.minimum},
                  {QStringLiteral("max"), c.maximum},
                  {QStringLiteral("step"), c.step},
                  {QStringLiteral("default"), c.defaultValue},
                  {QStringLiteral("value"), c.value ? QJsonValue(*c.value) : QJsonValue()},
                  {QStringLiteral("read_only"), c.readOnly},
                  {QStringLiteral("inactive"), c.inactive}};
    if (c.type == ControlType::Boolean)
        o.insert(QStringLiteral("value"), c.value ? QJsonValue(*c.value != 0) : QJsonValue());
    if (c.type == ControlType::Menu || c.type == ControlType::IntegerMenu) {
        QJsonArray menu;
        for (const ControlMenuEntry &e : c.menu)
            menu.append(QJsonObject{{QStringLiteral("index"), e.index}, {QStringLiteral("name"), e.name}});
        o.insert(QStringLiteral("menu"), menu);
    }
    return o;
}

QJsonArray controlsJson(const QList<CameraControl> &controls)
{
    QJsonArray out;
    for (const CameraControl &c : controls)
        out.append(controlJson(c));
    return out;
}

Result<ControlValues> controlValuesFromJson(const QList<CameraControl> &controls, const QJsonObject &body)
{
    ControlValues values;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const CameraControl *c = findControl(controls, it.key());
        if (!c) {
            QStringList keys;
            for (const CameraControl &known : controls)
                keys << known.key;
            return Error{
                Fault::InvalidValue,
                QStringLiteral("unknown control '%1' (this camera has: %2)")
                    .arg(it.key().left(64), keys.isEmpty() ? QStringLiteral("none") : keys.join(QStringLiteral(", ")))};
        }
        const Result<qint64> value = valueFor(*c, *it);
        if (!value.ok())
            return value.error();
        if (const Error refused = checkControlValue(*c, value.value()))
            return refused;
        values.insert(c->key, value.value());
    }
    return values;
}

}  // namespace hlscam
