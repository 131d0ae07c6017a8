// An address or CIDR range as written in the config (trusted_proxies, ignoreip), read strictly
// and the same way by the config check and by the sets that match clients against it.
#pragma once

#include <QHostAddress>
#include <QPair>
#include <QString>
#include <optional>

namespace hlscam {

// "203.0.113.7", "10.0.0.0/8", "10.0.0.0/255.0.0.0", "::1", "fd00::/8". IPv4 is four decimal
// octets without leading zeros: Qt reads "127.1" as 127.1.0.0/16 where inet_aton reads
// 127.0.0.1, and "010" is octal to inet_aton, so such entries are refused rather than guessed.
// A bare address is a range of one. An IPv4-mapped IPv6 range (::ffff:a.b.c.d/96+) becomes the
// IPv4 range it covers, as clients are compared in IPv4; scope ids are dropped.
std::optional<QPair<QHostAddress, int>> parseAddressRange(const QString &entry);

// a.b.c.d for an IPv4-mapped IPv6 address (::ffff:a.b.c.d, how a dual-stack socket shows an
// IPv4 peer) or an IPv4 address; nullopt for any other IPv6 address. Stricter than
// QHostAddress::toIPv4Address, which also turns :: and ::a.b.c.d into IPv4.
std::optional<quint32> ipv4Of(const QHostAddress &address);

}  // namespace hlscam
