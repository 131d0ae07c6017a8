#include "api/CameraUpdate.h"

#include "api/CameraJson.h"
#include "api/JsonBody.h"
#include "camera/Camera.h"
#include "config/CameraOverrides.h"
#include "config/ConfigLoader.h"
#include "config/DevicePolicy.h"

#include <QJsonObject>

namespace hlscam {

namespace {

const QStringList kTextFields = {QStringLiteral("device"), QStringLiteral("encoder"), QStringLiteral("fit"),
                                 QStringLiteral("format")};
const QStringList kNumberFields = {QStringLiteral("width"), QStringLiteral("height"), QStringLiteral("fps"),
                                   QStringLiteral("bitrate")};

}  // namespace

Response updateCamera(Camera *target, const QByteArray &body, const PathSettings &paths)
{
    QJsonObject in;
    if (auto bad = readJsonObject(body, kTextFields + kNumberFields, &in))
        return *bad;
    if (in.isEmpty())
        return Response::jsonError(Status::BadRequest,
                                   QStringLiteral("nothing to change: give one or more of %1")
                                       .arg((kTextFields + kNumberFields).join(QStringLiteral(", "))));
    // The changed keys over the current ones, as a config section: the config file's checks
    // (ranges, even sizes, encoder names) decide, with their messages.
    QJsonObject merged = cameraJson(target->settings());
    for (auto it = in.begin(); it != in.end(); ++it) {
        const bool number = kNumberFields.contains(it.key());
        if (number ? !it->isDouble() || it->toDouble() != double(it->toInteger()) : !it->isString())
            return Response::jsonError(Status::BadRequest, QStringLiteral("%1 is %2")
                                                               .arg(it.key(), number ? QStringLiteral("a whole number")
                                                                                     : QStringLiteral("a string")));
        if (!number && (it->toString().contains(u'\n') || it->toString().contains(u'\r')))
            return Response::jsonError(Status::BadRequest, QStringLiteral("%1 is one line").arg(it.key()));
        merged.insert(it.key(), *it);
    }
    QByteArray section = "[camera." + target->name().toUtf8() + "]\n";
    for (const QString &key : kTextFields + kNumberFields) {
        QString value = merged.value(key).toVariant().toString();
        // A size of 0 is auto (the camera's own size), as the settings hold it.
        if ((key == u"width" || key == u"height") && value == u"0")
            value = QStringLiteral("auto");
        section += key.toUtf8() + " = " + value.toUtf8() + '\n';
    }
    const ConfigResult checked = parseConfig(section, QStringLiteral("request"));
    if (!checked.ok())
        return Response::jsonError(Status::BadRequest,
                                   QStringLiteral("%1: %2").arg(checked.error->key, checked.error->message));
    CameraSettings camera = checked.settings.cameras.first();
    camera.controls = target->settings().controls;  // set through .../controls, kept as they are
    // The device the config file gave stays allowed; a new one must pass the policy.
    if (camera.device != target->settings().device)
        if (const Error refusal = refuseApiDevice(camera.device, paths.mediaDir))
            return Response::jsonError(Status::BadRequest, refusal.message);
    if (camera == target->settings())
        return Response::json(Status::Ok, cameraJson(camera));  // nothing changes, nothing restarts

    if (const Error error = saveCameraOverride(paths.cameraOverrides, camera))
        return Response::jsonError(Status::InternalServerError, QStringLiteral("not changed: %1").arg(error.message));
    target->reconfigure(camera);
    return Response::json(Status::Ok, cameraJson(camera));
}

}  // namespace hlscam
