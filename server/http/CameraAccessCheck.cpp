#include "http/CameraAccessCheck.h"

namespace hlscam {

bool maySeeCamera(Role role, const CameraAccess &cameras, const QString &camera)
{
    return role == Role::Admin || cameras.allows(camera);
}

bool maySeeCamera(const RequestContext &request, const QString &camera)
{
    return maySeeCamera(request.role, request.cameras, camera);
}

Response cameraForbidden(const QString &camera)
{
    return Response::jsonError(Status::Forbidden,
                               QStringLiteral("your account may not see camera '%1'").arg(camera.left(64)));
}

}  // namespace hlscam
