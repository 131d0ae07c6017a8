#include "http/HostCheck.h"

#include <QHostAddress>

namespace hlscam {

HostCheck::HostCheck(const QStringList &configured, const QString &machineHost)
{
    m_names << QStringLiteral("localhost");
    const QString host = machineHost.toLower().section(u'.', 0, 0);
    if (!host.isEmpty())
        m_names << host << host + QStringLiteral(".local");
    for (const QString &entry : configured) {
        const QString name = entry.toLower();
        if (name == QLatin1String("*"))
            m_any = true;
        else if (name.startsWith(QLatin1String("*.")))
            m_suffixes << name.mid(1);
        else
            m_names << name;
    }
}

QString HostCheck::nameOf(const QByteArray &host)
{
    QString name = QString::fromLatin1(host.trimmed()).toLower();
    if (name.startsWith(u'[')) {
        // An IPv6 literal: "[::1]:8080".
        const qsizetype close = name.indexOf(u']');
        return close < 0 ? QString() : name.mid(1, close - 1);
    }
    if (!QHostAddress(name).isNull())
        return name;  // a bare IPv6 literal, which HTTP does not allow but some clients send
    if (const qsizetype colon = name.lastIndexOf(u':'); colon >= 0)
        name.truncate(colon);
    if (name.endsWith(u'.'))
        name.chop(1);
    return name;
}

bool HostCheck::allows(const QByteArray &host) const
{
    if (m_any || host.isEmpty())
        return true;  // no Host header: not a browser, so not a rebinding attack
    const QString name = nameOf(host);
    if (name.isEmpty())
        return false;
    // Nobody can point a DNS name at an IP literal: a literal is never a rebound name.
    if (!QHostAddress(name).isNull())
        return true;
    if (m_names.contains(name))
        return true;
    for (const QString &suffix : m_suffixes)
        if (name.endsWith(suffix) || name == suffix.mid(1))
            return true;
    return false;
}

}  // namespace hlscam
