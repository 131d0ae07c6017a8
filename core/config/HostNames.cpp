#include "config/HostNames.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>

namespace hlscam {

bool isDottedQuad(const QString &s)
{
    const QStringList parts = s.split(u'.');
    return parts.size() == 4 && std::all_of(parts.begin(), parts.end(), [](const QString &p) {
               return !p.isEmpty() && p.size() <= 3 &&
                      std::all_of(p.begin(), p.end(), [](QChar c) { return c >= u'0' && c <= u'9'; });
           });
}

bool isIpAddress(const QString &v)
{
    QHostAddress a;
    return (v.contains(u':') || isDottedQuad(v)) && a.setAddress(v) && a != QHostAddress::AnyIPv4 &&
           a != QHostAddress::AnyIPv6;
}

bool isHostName(const QString &v)
{
    static const QRegularExpression name(QStringLiteral(
        "^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$"));
    static const QRegularExpression numeric(QStringLiteral("^[0-9.]+$"));
    return v.size() <= 253 && name.match(v).hasMatch() && !numeric.match(v).hasMatch();
}

}  // namespace hlscam
