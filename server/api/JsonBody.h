// Request bodies of the JSON API: one object, only the fields a route knows (a typo is an error
// naming the field, never silently ignored). An empty body is an empty object. And the API's
// answer to a method a route does not take.
#pragma once

#include "http/Response.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace hlscam {

// The 400 to answer, or nullopt with *out set.
std::optional<Response> readJsonObject(const QByteArray &body, const QStringList &allowed, QJsonObject *out);

// The API's 405, with the methods the route takes.
Response methodNotAllowed(const QByteArray &allow);

}  // namespace hlscam
