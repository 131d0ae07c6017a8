#include "http/CameraAccessCheck.h"

namespace hlscam {

bool maySeeCamera(const RequestContext &request, const QString &camera)
{
    return request.role == Role::Admin || request.cameras.allows(camera);
}

Response cameraForbidden(const QString &camera)
{
    return Response::jsonError(Status::Forbidden,
                               QStringLiteral("your account may not see camera '%1'").arg(camera.left(64)));
}

}  // namespace hlscam
