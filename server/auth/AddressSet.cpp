#include "auth/AddressSet.h"

#include "config/AddressRange.h"

namespace hlscam {

QHostAddress canonicalAddress(const QHostAddress &address)
{
    if (const std::optional<quint32> v4 = ipv4Of(address))
        return QHostAddress(*v4);
    QHostAddress out(address);
    out.setScopeId(QString());
    return out;
}

AddressSet::AddressSet(const QStringList &entries)
{
    for (const QString &entry : entries)
        if (const auto range = parseAddressRange(entry))
            m_ranges.append(*range);
}

bool AddressSet::contains(const QHostAddress &address) const
{
    const QHostAddress a = canonicalAddress(address);
    for (const auto &[network, prefix] : m_ranges)
        if (a.isInSubnet(network, prefix))
            return true;
    return false;
}

bool isPrivateAddress(const QHostAddress &address)
{
    static const AddressSet privateRanges(
        {QStringLiteral("10.0.0.0/8"), QStringLiteral("172.16.0.0/12"), QStringLiteral("192.168.0.0/16"),
         QStringLiteral("100.64.0.0/10"), QStringLiteral("169.254.0.0/16"), QStringLiteral("127.0.0.0/8"),
         QStringLiteral("fc00::/7"), QStringLiteral("fe80::/10"), QStringLiteral("::1/128")});
    return privateRanges.contains(address);
}

}  // namespace hlscam
