// /api/v1/users for admins: list, add, change (password, role, cameras), remove. The same checks as
// `hlscam users` (UserChange); the users file is written atomically and the change is in force
// for the next request.
#pragma once

#include "http/RequestContext.h"
#include "http/Response.h"

namespace hlscam {

class Authenticator;

// `name`: the part after /users/ (empty for /users itself).
Response userRoutes(const RequestContext &request, const QString &name, Authenticator *auth);

}  // namespace hlscam
