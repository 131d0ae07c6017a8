#include "net/Listener.h"
#include "Limits.h"

#include "Logging.h"
#include "auth/BanStore.h"
#include "net/NetworkOf.h"
#include "net/PeerAddress.h"
#include "net/RequestHead.h"
#include "net/StrictTransport.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

namespace hlscam {

namespace {

// A one-line answer on a connection we are about to close, best effort and never blocking.
void sendAndClose(qintptr descriptor, const char *response)
{
    (void)::send(int(descriptor), response, strlen(response), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::close(int(descriptor));
}

constexpr char kBusy[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\nConnection: close\r\n\r\n";

}  // namespace

Listener::Listener(const ServerSettings &settings, const BanStore *bans, const std::optional<QSslConfiguration> &tls,
                   QObject *parent)
    : QTcpServer(parent),
      m_settings(settings),
      m_bans(bans),
      m_tls(tls),
      m_trustedProxies(settings.trustedProxies),
      // Half the global limit at most: one network always leaves room for the others.
      m_perNetworkLimit(std::max(1, std::min(settings.maxConnectionsPerNetwork, settings.maxConnections / 2)))
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
    const QString network = proxy ? QString() : networkOf(peer);
    if (m_connections.size() >= m_settings.maxConnections ||
        (!proxy && (m_perAddress.value(address) >= m_settings.maxConnectionsPerAddress ||
                    m_perNetwork.value(network) >= m_perNetworkLimit))) {
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
    // What Qt may hold unread for a connection: the request its parser is on (at most
    // max_request_bytes, kept whole until it is complete) and what came after it (dropped once
    // past max_request_bytes). The checks below keep within it; this bounds memory even if they
    // did not: more waits in the kernel, and the sender is flow-controlled.
    socket->setReadBufferSize(2 * qint64(m_settings.maxRequestBytes) + 65536);
    // Connected before the HTTP server's own readyRead handler, so this sees every new byte
    // before the parser does.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] { onBytesWritten(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket, address, network] {
        m_connections.remove(socket);
        if (--m_perAddress[address] <= 0)
            m_perAddress.remove(address);
        if (!network.isEmpty() && --m_perNetwork[network] <= 0)
            m_perNetwork.remove(network);
    });
    // A client must send its first request within header_timeout of connecting (TLS handshake
    // included): a connection that only sits there is the cheapest attack of all.
    Connection c;
    c.address = address;
    c.network = network;
    c.requestStartMs = now();
    c.lastActivityMs = now();
    m_connections.insert(socket, c);
    ++m_perAddress[address];
    if (!network.isEmpty())
        ++m_perNetwork[network];
    if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
        tls->setSslConfiguration(*m_tls);
        markStrictTransport(tls, m_strictTransport);
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
    Connection &c = *it;
    // Qt's parser (it runs after this) reads every byte it is given, and requestDispatched drops
    // what follows a whole request, so what is unread now is exactly what just arrived: every
    // received byte passes here once, whatever the connection is doing, and counts.
    const qint64 arrived = socket->bytesAvailable();
    if (arrived <= 0)
        return;  // Qt's parser signalling itself
    if (c.phase == Phase::Answering || c.phase == Phase::Streaming || c.phase == Phase::Closing) {
        // Pipelined, or sent to a connection we are closing: never parsed.
        socket->skip(arrived);
        beyondRequest(socket, c, arrived);
        return;
    }
    if (!c.requestStartMs)
        c.requestStartMs = now();
    const QByteArray bytes = socket->peek(arrived);
    QByteArrayView rest(bytes);
    if (c.phase == Phase::Head && !readHead(socket, c, rest))
        return;
    if (c.phase == Phase::Body) {
        const qint64 part = std::min<qint64>(c.bodyLeft, rest.size());
        c.bodyLeft -= part;
        rest = rest.sliced(part);
        if (c.bodyLeft == 0)
            c.phase = Phase::Complete;
    }
    // The next request, already: counted now, dropped once Qt has taken this one off.
    if (c.phase == Phase::Complete && !rest.isEmpty())
        beyondRequest(socket, c, rest.size());
}

bool Listener::readHead(QTcpSocket *socket, Connection &c, QByteArrayView &arrived)
{
    const qint64 max = m_settings.maxRequestBytes;
    if (c.head.isEmpty()) {
        while (!arrived.isEmpty() && isBlankBeforeRequest(arrived.front())) {
            arrived = arrived.sliced(1);
            ++c.blanks;
        }
    }
    const qsizetype searched = c.head.size();
    c.head.append(arrived);
    const qsizetype end = headEnd(c.head, searched);
    if (end < 0) {
        if (c.blanks + c.head.size() > max)
            tooLarge(socket, "431 Request Header Fields Too Large");
        return false;
    }
    const HeadCheck check = checkRequestHead(QByteArrayView(c.head).first(end), max - c.blanks);
    arrived = arrived.last(c.head.size() - end);  // what came after the head
    c.head = QByteArray();
    switch (check.verdict) {
    case HeadVerdict::Acceptable: break;
    case HeadVerdict::Incomplete:  // not with a whole head
    case HeadVerdict::BadRequest: refuse(socket, "400 Bad Request"); return false;
    case HeadVerdict::HeadTooLarge: tooLarge(socket, "431 Request Header Fields Too Large"); return false;
    case HeadVerdict::BodyTooLarge: tooLarge(socket, "413 Content Too Large"); return false;
    case HeadVerdict::NotImplemented: refuse(socket, "501 Not Implemented"); return false;
    }
    c.bodyLeft = check.bodyBytes;
    c.closeAfterAnswer = c.closeAfterAnswer || check.closeAfter;
    c.phase = Phase::Body;
    return true;
}

// Bytes after the request, before its answer is done. Clients that pipeline are rare (browsers
// and HLS players do not), and must retry what a closed connection left unanswered (RFC 9112
// 9.3.2): so close after this answer, and cut off one that sends more than a request's worth.
void Listener::beyondRequest(QTcpSocket *socket, Connection &c, qint64 bytes)
{
    c.beyond += bytes;
    c.closeAfterAnswer = true;
    if (c.beyond > m_settings.maxRequestBytes && c.phase != Phase::Closing) {
        ++m_counters.tooLarge;
        qCDebug(lcHttp).noquote() << "pipelined too much:" << c.address;
        c.phase = Phase::Closing;
        // Not from inside readyRead: Qt's parser still runs after this handler.
        QMetaObject::invokeMethod(socket, &QAbstractSocket::abort, Qt::QueuedConnection);
    }
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
    Connection &c = *it;
    // Qt's parser has read exactly this request; what is still unread came after it (counted
    // in beyondRequest). Dropped here, before Qt's parser looks again, so answers go out one at
    // a time and no request is ever parsed without the checks above.
    if (const qint64 rest = socket->bytesAvailable(); rest > 0) {
        socket->skip(rest);
        c.closeAfterAnswer = true;
    }
    if (c.phase != Phase::Closing)
        c.phase = Phase::Answering;
    c.requestStartMs = 0;
    c.head = QByteArray();
    c.blanks = 0;
    c.bodyLeft = 0;
    c.lastActivityMs = now();
}

void Listener::streaming(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->phase == Phase::Closing)
        return;
    it->phase = Phase::Streaming;
    it->closeAfterAnswer = true;
    it->lastActivityMs = now();
}

void Listener::onBytesWritten(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    Connection &c = *it;
    c.lastActivityMs = now();  // the answer moves: the client reads
    if (socket->bytesToWrite() > 0 || c.phase != Phase::Answering)
        return;
    // The whole answer is written (each is written at once, see Response).
    if (c.closeAfterAnswer) {
        c.phase = Phase::Closing;
        socket->disconnectFromHost();
    } else {
        c.phase = Phase::Head;
        c.beyond = 0;
    }
}

void Listener::refuse(QTcpSocket *socket, const char *status)
{
    // No request is being answered on this connection, so the answer cannot interleave. What is
    // unread is dropped (skipped: Qt's parser may hold a transaction on the socket).
    socket->skip(socket->bytesAvailable());
    socket->write(QByteArray("HTTP/1.1 ") + status + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
    Connection &c = m_connections[socket];
    c.phase = Phase::Closing;
    c.lastActivityMs = now();
}

void Listener::sweep()
{
    const qint64 t = now();
    const qint64 headerMs = qint64(m_settings.headerTimeoutS) * 1000;
    const qint64 idleMs = qint64(m_settings.idleTimeoutS) * 1000;
    // Held requests (a blocking playlist reload, a playlist waiting for the first segment) wait
    // up to about 10 s without a byte moving: never cut them shorter than this.
    const qint64 answeringMs = std::max<qint64>(idleMs, limits::kAnsweringMs);
    QList<QTcpSocket *> late;
    QList<QTcpSocket *> idle;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        const QAbstractSocket::SocketState state = it.key()->state();
        if (state != QAbstractSocket::ConnectedState && state != QAbstractSocket::ClosingState)
            continue;
        // Only the answer moving counts as activity: bytes a client sends do not keep it here.
        const bool closing = state == QAbstractSocket::ClosingState || it->phase == Phase::Closing;
        if (it->phase == Phase::Streaming && !closing) {
            // Nothing to send (a camera that is down) is not idleness; a stuck write is.
            if (it.key()->bytesToWrite() > 0 && t - it->lastActivityMs > answeringMs)
                idle.append(it.key());
        } else if (closing || it->phase == Phase::Answering) {
            if (t - it->lastActivityMs > answeringMs)
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
    for (QTcpSocket *s : std::as_const(victims)) {
        m_connections[s].phase = Phase::Closing;  // nothing more of it is parsed
        s->disconnectFromHost();
    }
}

}  // namespace hlscam
