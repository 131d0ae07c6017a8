// The credentials of an `Authorization: Basic base64(name:password)` header (RFC 7617),
// decoded with bounds and nothing else: no user lookup, no hashing. Pure, so it is unit tested
// and fuzzed as the authenticator runs it.
#pragma once

#include "Limits.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace hlscam {

struct BasicCredentials {
    QString name;
    QByteArray password;
};

// Decoded "name:password" longer than this is refused unread (no password is that long).
constexpr qsizetype kMaxBasicCredentials = limits::kBasicCredentialsBytes;

// nullopt for anything that is not one well-formed Basic credential: another scheme, bad base64,
// no ':' or an empty name, a NUL, a name that is not UTF-8, or too long. Empty input too (the
// caller tells "no credentials" from "malformed" before asking).
std::optional<BasicCredentials> decodeBasic(const QByteArray &authorization);

// The header value a client sends for these credentials.
QByteArray encodeBasic(const BasicCredentials &credentials);

}  // namespace hlscam
