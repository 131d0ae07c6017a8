// Whether a setting names a host the way the config file wants it written: an IP address in
// full, or a DNS name. Shared by the keys that name servers (public_address, stun_server,
// ice_servers).
#pragma once

#include <QString>

namespace hlscam {

// "192.0.2.1": four groups of one to three digits (QHostAddress alone would take "10.1").
bool isDottedQuad(const QString &s);
// An IPv4 address written in full or an IPv6 address, and not "any" (0.0.0.0, ::).
bool isIpAddress(const QString &v);
// A DNS name to look up: labels of letters, digits and inner hyphens, not all digits and dots.
bool isHostName(const QString &v);

}  // namespace hlscam
