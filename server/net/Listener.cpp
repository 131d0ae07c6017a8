#include "net/Listener.h"

#include "Logging.h"
#include "auth/BanStore.h"
#include "net/RequestHead.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

namespace hlscam {

namespace {

// The peer of an accepted descriptor, without making a socket object for it.
QHostAddress peerOf(qintptr descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    return canonicalAddress(QHostAddress(reinterpret_cast<const sockaddr *>(&storage)));
}

// A one-line answer on a connection we are about to close, best effort and never blocking.
void sendAndClose(qintptr descriptor, const char *response)
{
    (void)::send(int(descriptor), response, strlen(response), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::close(int(descriptor));
}

constexpr char kBusy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\nConnection: close\r\n\r\n";

}  // namespace

Listener::Listener(const ServerSettings &settings, const BanStore *bans,
                   const std::optional<QSslConfiguration> &tls, QObject *parent)
    : QTcpServer(parent),
      m_settings(settings),
      m_bans(bans),
      m_tls(tls),
      m_trustedProxies(settings.trustedProxies)
{
    m_clock.start();
    m_sweeper.setInterval(500);
    connect(&m_sweeper, &QTimer::timeout, this, &Listener::sweep);
    m_sweeper.start();
}

void Listener::incomingConnection(qintptr descriptor)
{
    const QHostAddress peer = peerOf(descriptor);
    if (peer.isNull() || m_bans->isBanned(peer)) {
        // Closed before a byte is read: a banned client costs an accept and a close.
        ++m_counters.refusedBanned;
        ::close(int(descriptor));
        return;
    }
    const QString address = peer.toString();
    const bool proxy = m_trustedProxies.contains(peer);
    if (m_connections.size() >= m_settings.maxConnections ||
        (!proxy && m_perAddress.value(address) >= m_settings.maxConnectionsPerAddress)) {
        ++m_counters.refusedLimit;
        qCDebug(lcHttp).noquote() << "connection limit: refusing" << address;
        if (m_tls)
            ::close(int(descriptor));
        else
            sendAndClose(descriptor, kBusy);
        return;
    }

    QTcpSocket *socket = m_tls ? new QSslSocket(this) : new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    // Connected before the HTTP server's own readyRead handler, so this sees every new byte
    // before the parser does.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { onBytesWritten(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket, address] {
        m_connections.remove(socket);
        if (--m_perAddress[address] <= 0)
            m_perAddress.remove(address);
    });
    // A client must send its first request within header_timeout of connecting (TLS handshake
    // included): a connection that only sits there is the cheapest attack of all.
    m_connections.insert(socket, Connection{address, now(), 0, now(), false});
    ++m_perAddress[address];
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        tls->setSslConfiguration(*m_tls);
        connect(tls, &QSslSocket::sslErrors, tls, [tls] { tls->abort(); });
        tls->startServerEncryption();
    }
    addPendingConnection(socket);
}

void Listener::onReadyRead(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    const qint64 t = now();
    if (it->requestStartMs == 0)
        it->requestStartMs = t;
    it->lastActivityMs = t;
    it->requestBytes += socket->bytesAvailable();
    if (it->responding)
        return;
    if (!it->headChecked) {
        // The unread bytes are this request's (Qt's parser reads after this handler).
        const HeadVerdict verdict = checkRequestHead(socket->peek(m_settings.maxRequestBytes + 4), m_settings.maxRequestBytes);
        switch (verdict) {
        case HeadVerdict::Incomplete:
            return;
        case HeadVerdict::Acceptable:
            it->headChecked = true;
            break;
        case HeadVerdict::BadRequest:
            refuse(socket, "400 Bad Request");
            return;
        case HeadVerdict::HeadTooLarge:
            tooLarge(socket, "431 Request Header Fields Too Large");
            return;
        case HeadVerdict::BodyTooLarge:
            tooLarge(socket, "413 Content Too Large");
            return;
        case HeadVerdict::NotImplemented:
            refuse(socket, "501 Not Implemented");
            return;
        }
    }
    if (it->requestBytes > m_settings.maxRequestBytes)
        tooLarge(socket, "413 Content Too Large");  // more than the head announced
}

void Listener::tooLarge(QTcpSocket *socket, const char *status)
{
    ++m_counters.tooLarge;
    qCDebug(lcHttp).noquote() << "request too large from" << m_connections.value(socket).address;
    refuse(socket, status);
}

void Listener::requestDispatched(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->requestStartMs = 0;
    it->requestBytes = 0;
    it->headChecked = false;
    it->responding = true;
    it->lastActivityMs = now();
}

void Listener::onBytesWritten(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->lastActivityMs = now();
    if (socket->bytesToWrite() == 0)
        it->responding = false;
}

void Listener::refuse(QTcpSocket *socket, const char *status)
{
    // No request is being answered on this connection, so the answer cannot interleave.
    socket->readAll();
    socket->write(QByteArray("HTTP/1.1 ") + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
    m_connections[socket].responding = true;  // closing: the sweeper leaves it alone
}

void Listener::sweep()
{
    const qint64 t = now();
    const qint64 headerMs = qint64(m_settings.headerTimeoutS) * 1000;
    const qint64 idleMs = qint64(m_settings.idleTimeoutS) * 1000;
    // Held requests (a blocking playlist reload, a playlist waiting for the first segment) wait
    // up to about 10 s without a byte moving: never cut them shorter than this.
    const qint64 respondingMs = std::max<qint64>(idleMs, 30000);
    QList<QTcpSocket *> late;
    QList<QTcpSocket *> idle;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        if (it.key()->state() != QAbstractSocket::ConnectedState)
            continue;
        if (it->responding) {
            if (t - it->lastActivityMs > respondingMs)
                idle.append(it.key());  // a reader that stopped reading
        } else if (it->requestStartMs && t - it->requestStartMs > headerMs) {
            late.append(it.key());
        } else if (!it->requestStartMs && t - it->lastActivityMs > idleMs) {
            idle.append(it.key());
        }
    }
    for (QTcpSocket *s : std::as_const(late)) {
        ++m_counters.timedOut;
        qCDebug(lcHttp).noquote() << "request timeout from" << m_connections.value(s).address;
        refuse(s, "408 Request Timeout");
    }
    for (QTcpSocket *s : std::as_const(idle))
        s->abort();
}

void Listener::dropAddress(const QHostAddress &network, int prefix)
{
    // A ban covers an address or, for IPv6, its whole network (ipv6_prefix).
    QList<QTcpSocket *> victims;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it)
        if (canonicalAddress(QHostAddress(it->address)).isInSubnet(network, prefix))
            victims.append(it.key());
    // Gracefully: the answer to the failure that caused the ban is still being written. A
    // client that will not read it is cut off by the sweeper.
    for (QTcpSocket *s : std::as_const(victims))
        s->disconnectFromHost();
}

}  // namespace hlscam
