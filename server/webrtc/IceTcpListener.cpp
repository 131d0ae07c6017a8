#include "webrtc/IceTcpListener.h"

#include "Logging.h"
#include "auth/AddressSet.h"

#include <QDateTime>
#include <QTcpServer>
#include <QTcpSocket>

namespace hlscam {

namespace {

constexpr int kSweepMs = 500;
constexpr int kReadChunk = 4 * rfc4571::kMaxFrame;
constexpr int kMaxFramesPerRead = 256;  // then the event loop gets a turn

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

}  // namespace

IceTcpListener::IceTcpListener(Limits limits, std::function<bool(const QHostAddress &)> isBanned, QObject *parent)
    : QObject(parent),
      m_limits(limits),
      m_isBanned(std::move(isBanned))
{
    m_sweeper.setInterval(kSweepMs);
    connect(&m_sweeper, &QTimer::timeout, this, &IceTcpListener::sweep);
}

IceTcpListener::~IceTcpListener()
{
    for (const Connection &c : std::as_const(m_connections)) {
        c.socket->disconnect(this);
        c.socket->abort();
    }
}

Error IceTcpListener::listen(quint16 port)
{
    m_server = new QTcpServer(this);
    if (!m_server->listen(QHostAddress::Any, port))
        return Error{Fault::Io, QStringLiteral("cannot listen on the WebRTC ICE-TCP port %1: %2 (set [webrtc] "
                                               "tcp_port, or 0 for no ICE-TCP)")
                                    .arg(port)
                                    .arg(m_server->errorString())};
    connect(m_server, &QTcpServer::newConnection, this, &IceTcpListener::accept);
    m_sweeper.start();
    return {};
}

quint16 IceTcpListener::port() const { return m_server ? m_server->serverPort() : 0; }

void IceTcpListener::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        const QHostAddress peer = canonicalAddress(socket->peerAddress());
        int fromPeer = 0;
        for (const Connection &c : std::as_const(m_connections))
            fromPeer += c.peer == peer ? 1 : 0;
        if ((m_isBanned && m_isBanned(peer)) || m_connections.size() >= m_limits.connections ||
            fromPeer >= m_limits.perAddress) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        const quint64 id = m_nextId++;
        socket->setParent(this);
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);  // media: no Nagle delay
        m_connections.insert(id, Connection{socket, peer, socket->peerPort(), {}, nowMs(), false});
        connect(socket, &QTcpSocket::readyRead, this, [this, id] { read(id); });
        connect(socket, &QTcpSocket::disconnected, this, [this, id] { drop(id); });
        connect(socket, &QTcpSocket::errorOccurred, this, [this, id] { drop(id); });
    }
}

void IceTcpListener::read(quint64 id)
{
    for (int frames = 0; frames < kMaxFramesPerRead;) {
        auto it = m_connections.find(id);
        if (it == m_connections.end())
            return;  // closed by a handler
        if (std::optional<QByteArray> f = it->reader.next()) {
            ++frames;
            // Before a check has bound it, a connection may only send checks (RFC 7983: STUN's
            // first byte is 0..3).
            if (!it->bound && quint8(f->at(0)) > 3) {
                drop(id);
                return;
            }
            const QHostAddress peer = it->peer;
            Q_EMIT frame(id, peer, it->port, *f, it->bound);
            continue;
        }
        if (it->socket->bytesAvailable() == 0)
            return;
        if (!it->reader.append(it->socket->read(kReadChunk))) {
            qCDebug(lcHttp).noquote() << "WebRTC ICE-TCP: a frame from" << it->peer.toString()
                                      << "is not one a viewer sends: closed";
            drop(id);
            return;
        }
    }
    // More than a turn's worth: the rest after the event loop has had its turn.
    QMetaObject::invokeMethod(
        this, [this, id] { read(id); }, Qt::QueuedConnection);
}

void IceTcpListener::bind(quint64 connection)
{
    const auto it = m_connections.find(connection);
    if (it != m_connections.end())
        it->bound = true;
}

bool IceTcpListener::send(quint64 connection, QByteArrayView packet)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end() || it->socket->bytesToWrite() > kMaxUnsentBytes)
        return false;
    const QByteArray framed = rfc4571::frame(packet);
    return !framed.isEmpty() && it->socket->write(framed) == framed.size();
}

void IceTcpListener::close(quint64 connection) { drop(connection); }

void IceTcpListener::drop(quint64 id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    QTcpSocket *socket = it->socket;
    m_connections.erase(it);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();  // we may be inside one of its signals
    Q_EMIT closed(id);
}

void IceTcpListener::dropNetwork(const QHostAddress &network, int prefix)
{
    QList<quint64> inside;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it)
        if (it->peer.isInSubnet(network, prefix))
            inside.append(it.key());
    for (quint64 id : inside)
        drop(id);
}

void IceTcpListener::sweep()
{
    const qint64 now = nowMs();
    QList<quint64> late;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it)
        if (!it->bound && now - it->acceptedMs > kBindTimeoutMs)
            late.append(it.key());
    for (quint64 id : late)
        drop(id);
}

}  // namespace hlscam
