#include "config/AddressRange.h"

#include <QRegularExpression>

namespace hlscam {

std::optional<QPair<QHostAddress, int>> parseAddressRange(const QString &entry)
{
    // Address, optional %scope (a link-local interface), optional /prefix or /netmask, and
    // nothing else: Qt's parser stops at a NUL ("10.0.0.1<NUL>junk" passed as 10.0.0.1), skips
    // spaces, and took "::ffff:f:0%/0" for a range with an empty scope.
    static const QRegularExpression shape(QStringLiteral("^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?(?:/[0-9.]+)?\\z"));
    if (!shape.match(entry).hasMatch())
        return std::nullopt;
    const QString address = entry.section(u'/', 0, 0);
    if (!address.contains(u':')) {
        static const QRegularExpression dottedQuad(
            QStringLiteral("^(?:(?:0|[1-9][0-9]{0,2})\\.){3}(?:0|[1-9][0-9]{0,2})\\z"));
        if (!dottedQuad.match(address).hasMatch())
            return std::nullopt;
    }
    QPair<QHostAddress, int> range = QHostAddress::parseSubnet(entry);
    if (range.second < 0)
        return std::nullopt;
    range.first.setScopeId(QString());
    if (const auto v4 = ipv4Of(range.first); v4 && range.first.protocol() == QAbstractSocket::IPv6Protocol) {
        if (range.second < 96)
            return range;  // wider than the mapped block: stays IPv6
        range = {QHostAddress(*v4), range.second - 96};
    }
    return range;
}

std::optional<quint32> ipv4Of(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return address.toIPv4Address();
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    const Q_IPV6ADDR a = address.toIPv6Address();
    for (int i = 0; i < 10; ++i)
        if (a[i] != 0)
            return std::nullopt;
    if (a[10] != 0xff || a[11] != 0xff)
        return std::nullopt;
    return quint32(a[12]) << 24 | quint32(a[13]) << 16 | quint32(a[14]) << 8 | quint32(a[15]);
}

}  // namespace hlscam
