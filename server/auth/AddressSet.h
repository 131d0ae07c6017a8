// Client addresses as hlscam compares them, and sets of addresses and CIDR ranges (ignoreip,
// trusted_proxies), IPv4 and IPv6.
#pragma once

#include <QHostAddress>
#include <QList>
#include <QStringList>

namespace hlscam {

// An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; count it as a.b.c.d, so
// bans and ranges written in IPv4 apply to it. Scope ids are dropped.
QHostAddress canonicalAddress(const QHostAddress &address);

class AddressSet {
public:
    AddressSet() = default;
    // Entries such as "127.0.0.1/8", "::1", "fd00::/8", read by parseAddressRange as the config
    // check reads them; invalid ones are skipped (the config loader has refused them before).
    explicit AddressSet(const QStringList &entries);

    bool contains(const QHostAddress &address) const;
    bool isEmpty() const { return m_ranges.isEmpty(); }

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

// Loopback, private (RFC 1918, fc00::/7), link-local or CGNAT: not reachable from the internet
// without a port forward or a proxy.
bool isPrivateAddress(const QHostAddress &address);

}  // namespace hlscam
