#include "config/IceServers.h"

#include "config/HostNames.h"

#include <QRegularExpression>

namespace hlscam {

namespace {

const QString kAllowed = QStringLiteral(
    "(allowed: stun:host[:port], turn:host[:port][?transport=udp|tcp], turns:host[:port][?transport=tcp]; "
    "host a name, an IPv4 address or [IPv6], e.g. turn:turn.example.org:3478?transport=udp)");

Error bad(const QString &text, const QString &why)
{
    const QString shown = text.size() > 80 ? text.left(77) + QStringLiteral("...") : text;
    return {Fault::Config, QStringLiteral("'%1' %2 %3").arg(shown, why, kAllowed)};
}

}  // namespace

QString IceServerUri::toString() const
{
    static const char *const names[] = {"stun", "turn", "turns"};
    QString uri = QLatin1String(names[static_cast<int>(scheme)]) + u':';
    uri += host.contains(u':') ? u'[' + host + u']' : host;
    if (port != 0)
        uri += u':' + QString::number(port);
    if (!transport.isEmpty())
        uri += QStringLiteral("?transport=") + transport;
    return uri;
}

Result<IceServerUri> parseIceServerUri(const QString &text)
{
    // scheme ":" (reg-name | IPv4 | "[" IPv6 "]") [":" port] ["?transport=" word]; the parts are
    // checked one by one below so the error can say which is wrong.
    static const QRegularExpression shape(QRegularExpression::anchoredPattern(
        QStringLiteral("([A-Za-z]+):(\\[[^\\]]*\\]|[^:?\\[\\]]*)(?::([^?]*))?(?:\\?(.*))?")));
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch())
        return bad(text, QStringLiteral("is not a STUN or TURN URI"));
    IceServerUri uri;
    const QString scheme = m.captured(1).toLower();
    if (scheme == u"stun")
        uri.scheme = IceServerUri::Scheme::Stun;
    else if (scheme == u"turn")
        uri.scheme = IceServerUri::Scheme::Turn;
    else if (scheme == u"turns")
        uri.scheme = IceServerUri::Scheme::Turns;
    else
        return bad(text, QStringLiteral("has an unknown scheme '%1'").arg(m.captured(1).left(20)));

    QString host = m.captured(2);
    if (!host.startsWith(u'[') && text.count(u':') > 2)
        return bad(text, QStringLiteral("has an IPv6 address without brackets"));
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.size() - 2);
        if (!host.contains(u':') || !isIpAddress(host))
            return bad(text, QStringLiteral("has no valid IPv6 address in brackets"));
    } else if (!isIpAddress(host) && !isHostName(host)) {
        return bad(text, QStringLiteral("has no valid host"));
    }
    uri.host = host;

    if (m.hasCaptured(3)) {
        const QString port = m.captured(3);
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,5}$"));
        if (!digits.match(port).hasMatch() || port.toInt() < 1 || port.toInt() > 65535)
            return bad(text, QStringLiteral("has no valid port (1 to 65535)"));
        uri.port = static_cast<quint16>(port.toInt());
    }

    if (m.hasCaptured(4)) {
        if (!uri.isTurn())
            return bad(text, QStringLiteral("has a query, which a stun: URI cannot have"));
        const QString query = m.captured(4).toLower();
        if (query == u"transport=udp" && uri.scheme == IceServerUri::Scheme::Turn)
            uri.transport = QStringLiteral("udp");
        else if (query == u"transport=tcp")
            uri.transport = QStringLiteral("tcp");
        else
            return bad(text, uri.scheme == IceServerUri::Scheme::Turns
                                 ? QStringLiteral("has a query other than ?transport=tcp (turns: is TLS over TCP)")
                                 : QStringLiteral("has a query other than ?transport=udp or ?transport=tcp"));
    }
    return uri;
}

Result<QStringList> parseIceServerList(const QString &text)
{
    QStringList uris;
    if (text.trimmed().isEmpty())
        return uris;
    const QStringList entries = text.split(u',');
    if (entries.size() > kMaxIceServers)
        return Error{
            Fault::Config,
            QStringLiteral("%1 servers are too many (allowed: at most %2)").arg(entries.size()).arg(kMaxIceServers)};
    for (const QString &entry : entries) {
        const Result<IceServerUri> uri = parseIceServerUri(entry.trimmed());
        if (!uri.ok())
            return uri.error();
        const QString written = uri.value().toString();
        if (uris.contains(written))
            return Error{Fault::Config, QStringLiteral("'%1' is listed twice: keep one").arg(written)};
        uris.append(written);
    }
    return uris;
}

bool isTurnUri(const QString &uri) { return uri.startsWith(u"turn:") || uri.startsWith(u"turns:"); }

}  // namespace hlscam
