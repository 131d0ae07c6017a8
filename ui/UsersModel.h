// The service's users (GET /api/v1/users: name, role, cameras) and the changes an admin makes to
// them.
#pragma once

#include "ApiModel.h"

namespace hlscam::ui {

class UsersModel : public ApiModel {
    Q_OBJECT
public:
    explicit UsersModel(QObject *parent = nullptr);

    // `cameras`: "cam0,garden", or empty for every camera (as in setCameras).
    Q_INVOKABLE void add(const QString &name, const QString &password, const QString &role,
                         const QString &cameras = {});
    Q_INVOKABLE void remove(const QString &name);
    Q_INVOKABLE void setPassword(const QString &name, const QString &password);
    Q_INVOKABLE void setRole(const QString &name, const QString &role);
    // The cameras the user may see: "cam0,garden", or empty for every camera.
    Q_INVOKABLE void setCameras(const QString &name, const QString &cameras);
};

// Banned addresses (GET /api/v1/bans), and lifting a ban.
class BansModel : public ApiModel {
    Q_OBJECT
public:
    explicit BansModel(QObject *parent = nullptr);

    Q_INVOKABLE void unban(const QString &address);
};

}  // namespace hlscam::ui
