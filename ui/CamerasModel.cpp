#include "CamerasModel.h"

#include "Session.h"

#include <QJsonObject>
#include <QUrl>

namespace hlscam::ui {

CamerasModel::CamerasModel(QObject *parent)
    : ApiModel(QStringLiteral("/cameras"),
               {QStringLiteral("name"), QStringLiteral("device"), QStringLiteral("width"), QStringLiteral("height"),
                QStringLiteral("fps"), QStringLiteral("bitrate"), QStringLiteral("encoder")},
               parent),
      m_devices(
          {QStringLiteral("path"), QStringLiteral("card"), QStringLiteral("formats"), QStringLiteral("stable_names")})
{
    connect(this, &ApiModel::sessionChanged, this, [this] {
        if (session())
            connect(session(), &Session::connectedChanged, this, &CamerasModel::refreshDevices);
        refreshDevices();
    });
}

void CamerasModel::refreshDevices()
{
    m_devices.setRows({});
    if (!session() || !session()->connected())
        return;
    QPointer<CamerasModel> self(this);
    session()->api()->get(QStringLiteral("/devices"), [self](const ApiReply &reply) {
        if (self && reply.ok())
            self->m_devices.setRows(reply.json.toArray());
    });
}

void CamerasModel::apply(const QString &camera, const QVariantMap &changes)
{
    const int row = find(QStringLiteral("name"), camera);
    if (row < 0)
        return fail(QStringLiteral("No camera '%1' on this service").arg(camera));
    const QJsonObject current = rows().at(row).toObject();
    QJsonObject body;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        const QJsonValue value = QJsonValue::fromVariant(it.value());
        if (current.value(it.key()) != value)
            body.insert(it.key(), value);
    }
    if (body.isEmpty())
        return fail(QStringLiteral("Nothing to apply: these are %1's settings already").arg(camera));
    change("PUT", QStringLiteral("/cameras/") + QString::fromLatin1(QUrl::toPercentEncoding(camera)), body,
           QStringLiteral("Applied to %1: the camera restarted with the new settings").arg(camera));
}

}  // namespace hlscam::ui
