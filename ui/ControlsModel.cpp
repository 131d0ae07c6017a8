#include "ControlsModel.h"

#include <QJsonObject>
#include <QUrl>

namespace hlscam::ui {

ControlsModel::ControlsModel(QObject *parent)
    : ApiModel({},
               {QStringLiteral("key"), QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("min"),
                QStringLiteral("max"), QStringLiteral("step"), QStringLiteral("value"), QStringLiteral("menu"),
                QStringLiteral("read_only"), QStringLiteral("inactive")},
               parent)
{}

QString ControlsModel::path() const
{
    return QStringLiteral("/cameras/%1/controls").arg(QString::fromLatin1(QUrl::toPercentEncoding(m_camera)));
}

void ControlsModel::setCamera(const QString &camera)
{
    if (camera == m_camera)
        return;
    m_camera = camera;
    setRows({});
    setListPath(camera.isEmpty() ? QString() : path());
    Q_EMIT cameraChanged();
    if (session() && session()->connected())
        refresh();
}

void ControlsModel::set(const QString &key, const QVariant &value)
{
    const int row = find(QStringLiteral("key"), key);
    if (row < 0)
        return fail(QStringLiteral("No control '%1' on %2").arg(key, m_camera));
    const QString name = rows().at(row).toObject().value(QStringLiteral("name")).toString();
    change("PUT", path(), QJsonObject{{key, QJsonValue::fromVariant(value)}},
           QStringLiteral("%1: %2 set").arg(m_camera, name));
}

}  // namespace hlscam::ui
