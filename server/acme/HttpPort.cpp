#include "acme/HttpPort.h"

#include "Limits.h"
#include "Logging.h"
#include "acme/AcmeChallenges.h"
#include "auth/AddressSet.h"
#include "auth/BanStore.h"
#include "net/NetworkOf.h"
#include "net/PeerAddress.h"

#include <QRegularExpression>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

namespace hlscam {

namespace {

constexpr QByteArrayView kChallengePrefix = "/.well-known/acme-challenge/";

}  // namespace

HttpPort::HttpPort(const AcmeChallenges *challenges, const BanStore *bans, quint16 httpsPort, QObject *parent)
    : QTcpServer(parent),
      m_challenges(challenges),
      m_bans(bans),
      m_httpsPort(httpsPort)
{
    m_clock.start();
    m_sweeper.setInterval(1000);
    connect(&m_sweeper, &QTimer::timeout, this, &HttpPort::sweep);
    m_sweeper.start();
}

void HttpPort::incomingConnection(qintptr descriptor)
{
    const QHostAddress peer = peerOf(descriptor);
    if (peer.isNull() || m_bans->isBanned(peer) || m_started.size() >= limits::kAcmeChallengeConnections) {
        ::close(int(descriptor));  // before a byte is read
        return;
    }
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    socket->setReadBufferSize(limits::kAcmeChallengeBytes + 1);
    m_started.insert(socket, m_clock.elapsed());
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QObject::destroyed, this, [this, socket] { m_started.remove(socket); });
}

void HttpPort::onReadyRead(QTcpSocket *socket)
{
    if (socket->property("answered").toBool()) {
        socket->skip(socket->bytesAvailable());
        return;
    }
    const QByteArray seen = socket->peek(limits::kAcmeChallengeBytes + 1);
    const qsizetype end = seen.indexOf("\r\n\r\n");
    if (end < 0) {
        if (seen.size() > limits::kAcmeChallengeBytes)
            reply(socket, "431 Request Header Fields Too Large", {}, {});
        return;
    }
    socket->skip(socket->bytesAvailable());
    answer(socket, seen.first(end));
}

void HttpPort::answer(QTcpSocket *socket, const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> request = lines.first().trimmed().split(' ');
    if (request.size() != 3 || !request[2].startsWith("HTTP/1.") || !request[1].startsWith('/'))
        return reply(socket, "400 Bad Request", {}, {});
    const QByteArray &method = request[0];
    const QByteArray &target = request[1];
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9_-]{1,256}$"));
    if ((method == "GET" || method == "HEAD") && target.startsWith(kChallengePrefix)) {
        const QByteArray name = target.mid(kChallengePrefix.size());
        const QByteArray keyAuthorization =
            token.match(QString::fromLatin1(name)).hasMatch() ? m_challenges->answer(name) : QByteArray();
        if (keyAuthorization.isEmpty())
            return reply(socket, "404 Not Found", {}, {});
        qCInfo(lcAcme).noquote() << "HTTP-01 challenge fetched by" << socket->peerAddress().toString();
        return reply(socket, "200 OK", "Content-Type: text/plain\r\n",
                     method == "HEAD" ? QByteArray() : keyAuthorization);
    }
    // Everything else goes to HTTPS, same host and path. The Host is checked to be a name or an
    // address (no header or URL can be smuggled into Location).
    QByteArray host;
    for (const QByteArray &line : lines)
        if (line.toLower().startsWith("host:"))
            host = line.mid(5).trimmed();
    static const QRegularExpression hostForm(
        QStringLiteral("^([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?$"));
    if (!hostForm.match(QString::fromLatin1(host)).hasMatch())
        return reply(socket, "400 Bad Request", {}, {});
    if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0 && !host.endsWith(']'))
        host.truncate(colon);
    const QByteArray port = m_httpsPort == 443 ? QByteArray() : ':' + QByteArray::number(m_httpsPort);
    for (const char c : target)
        if (c <= ' ' || c >= 127)
            return reply(socket, "400 Bad Request", {}, {});
    reply(socket, "308 Permanent Redirect", "Location: https://" + host + port + target + "\r\n", {});
}

void HttpPort::reply(QTcpSocket *socket, const QByteArray &statusLine, const QByteArray &headers,
                     const QByteArray &body)
{
    socket->setProperty("answered", true);
    socket->write("HTTP/1.1 " + statusLine + "\r\n" + headers + "Content-Length: " + QByteArray::number(body.size()) +
                  "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

void HttpPort::sweep()
{
    // A connection gets kAcmeChallengeTimeoutMs for its request and its answer, whatever it sends.
    const qint64 now = m_clock.elapsed();
    QList<QTcpSocket *> late;
    for (auto it = m_started.cbegin(); it != m_started.cend(); ++it)
        if (now - it.value() > limits::kAcmeChallengeTimeoutMs)
            late.append(it.key());
    for (QTcpSocket *s : std::as_const(late)) {
        s->abort();
        s->deleteLater();
    }
}

}  // namespace hlscam
