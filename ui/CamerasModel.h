// The cameras' settings (GET /api/v1/cameras) and the machine's devices (GET /api/v1/devices);
// apply() changes one camera live (PUT /api/v1/cameras/NAME: its pipeline restarts).
#pragma once

#include "ApiModel.h"

namespace hlscam::ui {

class CamerasModel : public ApiModel {
    Q_OBJECT
    Q_PROPERTY(hlscam::ui::JsonListModel *devices READ devices CONSTANT)
public:
    explicit CamerasModel(QObject *parent = nullptr);

    JsonListModel *devices() { return &m_devices; }
    Q_INVOKABLE void refreshDevices();
    // `changes`: any of device, width, height, fps, bitrate (kb/s), encoder; only the fields
    // that differ from the camera's current settings are sent.
    Q_INVOKABLE void apply(const QString &camera, const QVariantMap &changes);

private:
    JsonListModel m_devices;
};

}  // namespace hlscam::ui
