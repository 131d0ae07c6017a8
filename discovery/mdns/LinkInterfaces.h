// The network interfaces multicast DNS runs on, as one snapshot: up, running and multicast-capable
// (the loopback too, so a browser on the same machine finds the service without a network), with
// their addresses and subnets. RFC 6762 §11: only packets from a source on one of those subnets
// (the link) are answered, so a spoofed query from afar cannot use us to reflect traffic.
#pragma once

#include <QHostAddress>
#include <QList>
#include <QNetworkAddressEntry>
#include <QNetworkInterface>

namespace hlscam {

struct LinkInterface {
    QNetworkInterface iface;
    QList<QNetworkAddressEntry> entries;  // IPv4 and IPv6, with their prefix lengths

    int index() const { return iface.index(); }
    QList<QHostAddress> addresses(QAbstractSocket::NetworkLayerProtocol protocol) const;
    bool operator==(const LinkInterface &o) const;
};

QList<LinkInterface> linkInterfaces();

// `source` lies in a subnet of the interface `index` (of any of them when index is 0: the system
// did not say), or is an IPv6 link-local address (on-link by definition).
bool isOnLink(const QList<LinkInterface> &links, const QHostAddress &source, int index);

const LinkInterface *findLink(const QList<LinkInterface> &links, int index);

}  // namespace hlscam
