#include "mdns/LinkInterfaces.h"

namespace hlscam {

QList<QHostAddress> LinkInterface::addresses(QAbstractSocket::NetworkLayerProtocol protocol) const
{
    QList<QHostAddress> out;
    for (const QNetworkAddressEntry &e : entries)
        if (e.ip().protocol() == protocol)
            out.append(e.ip());
    return out;
}

bool LinkInterface::operator==(const LinkInterface &o) const
{
    return iface.index() == o.iface.index() && entries == o.entries;
}

QList<LinkInterface> linkInterfaces()
{
    QList<LinkInterface> links;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces()) {
        const auto flags = i.flags();
        if (!(flags & QNetworkInterface::IsUp) || !(flags & QNetworkInterface::IsRunning))
            continue;
        // Linux's loopback has no MULTICAST flag but carries multicast all the same.
        if (!(flags & QNetworkInterface::CanMulticast) && !(flags & QNetworkInterface::IsLoopBack))
            continue;
        LinkInterface link{i, i.addressEntries()};
        if (!link.entries.isEmpty())
            links.append(link);
    }
    return links;
}

bool isOnLink(const QList<LinkInterface> &links, const QHostAddress &source, int index)
{
    if (source.protocol() == QAbstractSocket::IPv6Protocol && source.isLinkLocal())
        return true;
    for (const LinkInterface &link : links) {
        if (index != 0 && link.index() != index)
            continue;
        for (const QNetworkAddressEntry &e : link.entries)
            if (e.ip().protocol() == source.protocol() && e.prefixLength() >= 0 &&
                source.isInSubnet(e.ip(), e.prefixLength()))
                return true;
    }
    return false;
}

const LinkInterface *findLink(const QList<LinkInterface> &links, int index)
{
    for (const LinkInterface &link : links)
        if (link.index() == index)
            return &link;
    return nullptr;
}

}  // namespace hlscam
