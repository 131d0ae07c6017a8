// The network a client address counts in for max_connections_per_network: its IPv4 /24 or IPv6
// /64. One household, office or rented server gets a whole one of those, so many addresses from
// one of them are one client as far as fairness goes.
#pragma once

#include <QHostAddress>
#include <QString>

namespace hlscam {

// `address` as canonicalAddress gives it (an IPv4-mapped address is IPv4). "192.0.2.0/24",
// "2001:db8:1:2::/64".
QString networkOf(const QHostAddress &address);

}  // namespace hlscam
