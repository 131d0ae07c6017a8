#include "webrtc/IceServerLinks.h"

#include "config/IceServers.h"

#include <QMessageAuthenticationCode>
#include <QUrl>

namespace hlscam {

TurnCredentials turnRestCredentials(const QByteArray &secret, const QString &who, qint64 expiresAtS)
{
    const QByteArray name = who.isEmpty() ? QByteArray("viewer") : QUrl::toPercentEncoding(who);
    TurnCredentials c;
    c.username = QByteArray::number(expiresAtS) + ':' + name;
    c.credential = QMessageAuthenticationCode::hash(c.username, secret, QCryptographicHash::Sha1).toBase64();
    return c;
}

QList<QByteArray> iceServerLinks(const WebRtcSettings &settings, const QString &who, qint64 nowS)
{
    QList<QByteArray> links;
    if (settings.iceServers.isEmpty())
        return links;
    // One set for all the URIs of this answer: the browser is given them together.
    TurnCredentials turn{settings.turnUsername.toLatin1(), settings.turnPassword.toLatin1()};
    if (!settings.turnSecret.isEmpty())
        turn = turnRestCredentials(settings.turnSecret.toUtf8(), who, nowS + settings.turnCredentialLifetimeS);
    for (const QString &uri : settings.iceServers) {
        // The URIs and credentials were checked when the file was read: no '>', '"' or '\'.
        QByteArray link = '<' + uri.toLatin1() + ">; rel=\"ice-server\"";
        if (isTurnUri(uri) && !turn.username.isEmpty())
            link += "; username=\"" + turn.username + "\"; credential=\"" + turn.credential +
                    "\"; credential-type=\"password\"";
        links.append(link);
    }
    return links;
}

}  // namespace hlscam
