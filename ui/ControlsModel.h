// One camera's controls (GET /api/v1/cameras/NAME/controls: brightness, exposure, white balance,
// flips...) for the camera page; set() writes one live (PUT, the camera does not restart) and
// the list is read again, so what shows is what the device took.
#pragma once

#include "ApiModel.h"

namespace hlscam::ui {

class ControlsModel : public ApiModel {
    Q_OBJECT
    Q_PROPERTY(QString camera READ camera WRITE setCamera NOTIFY cameraChanged)
public:
    explicit ControlsModel(QObject *parent = nullptr);

    QString camera() const { return m_camera; }
    void setCamera(const QString &camera);
    // `value`: a number, true/false, or a menu entry's index; a button is pressed with true.
    Q_INVOKABLE void set(const QString &key, const QVariant &value);

Q_SIGNALS:
    void cameraChanged();

private:
    QString path() const;
    QString m_camera;
};

}  // namespace hlscam::ui
