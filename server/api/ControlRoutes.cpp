#include "api/ControlRoutes.h"

#include "api/ControlsJson.h"
#include "camera/Camera.h"
#include "config/CameraOverrides.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QPointer>

namespace hlscam {

namespace {

Response failure(const Error &e)
{
    switch (e.fault) {
    case Fault::InvalidValue: return Response::jsonError(Status::BadRequest, e.message);
    case Fault::NoDevice:
        return Response::jsonError(Status::ServiceUnavailable,
                                   QStringLiteral("the camera is not connected: %1").arg(e.message));
    case Fault::Busy: return Response::jsonError(Status::Conflict, e.message);
    default: return Response::jsonError(Status::InternalServerError, e.message);
    }
}

}  // namespace

void readCameraControls(Camera *camera, QObject *context, Answer answer)
{
    camera->readControls(context, [answer = std::move(answer)](const Result<QList<CameraControl>> &read) {
        answer(read.ok() ? Response::json(Status::Ok, controlsJson(read.value())) : failure(read.error()));
    });
}

void writeCameraControls(Camera *camera, const QByteArray &body, const PathSettings &paths, QObject *context,
                         Answer answer)
{
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parse);
    if (!doc.isObject())
        return answer(Response::jsonError(
            Status::BadRequest,
            QStringLiteral("the body is a JSON object of control keys and values, e.g. {\"brightness\": 140}%1")
                .arg(parse.error == QJsonParseError::NoError ? QString()
                                                             : QStringLiteral(": ") + parse.errorString())));
    const QJsonObject changes = doc.object();
    if (changes.isEmpty())
        return answer(Response::jsonError(
            Status::BadRequest,
            QStringLiteral("nothing to change: give one or more controls, e.g. {\"brightness\": 140}")));
    // Guarded: at shutdown the camera may go before its device answers.
    QPointer<Camera> target(camera);
    camera->readControls(context, [target, changes, paths, context,
                                   answer = std::move(answer)](const Result<QList<CameraControl>> &read) {
        if (!read.ok())
            return answer(failure(read.error()));
        const Result<ControlValues> values = controlValuesFromJson(read.value(), changes);
        if (!values.ok())
            return answer(failure(values.error()));
        if (!target)
            return answer(Response::jsonError(Status::ServiceUnavailable, QStringLiteral("the camera stopped")));
        target->writeControls(
            values.value(), context, [target, paths, answer](const Result<QList<CameraControl>> &written) {
                if (!written.ok())
                    return answer(failure(written.error()));
                // Written to the camera; kept for the next start with its other settings.
                if (target && !paths.cameraOverrides.isEmpty())
                    if (const Error e = saveCameraOverride(paths.cameraOverrides, target->settings()))
                        return answer(Response::jsonError(
                            Status::InternalServerError,
                            QStringLiteral("applied, but not kept for the next start: %1").arg(e.message)));
                answer(Response::json(Status::Ok, controlsJson(written.value())));
            });
    });
}

}  // namespace hlscam
