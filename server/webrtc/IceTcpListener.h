// ICE-TCP, passive side (RFC 6544), for viewers whose network blocks UDP: one TCP port for all
// sessions, each connection a stream of RFC 4571 frames that WebRtcServer handles like UDP
// datagrams from that connection. A stranger gets little: banned addresses are closed at
// accept, connections are bounded in all and per address, a frame longer than a datagram or a
// first frame that is not a STUN check closes the connection, and one that has no valid check
// (bound()) within a few seconds is closed. What a viewer does not read in time is dropped,
// never queued without bound. Lives on WebRtcServer's thread.
#pragma once

#include "Error.h"
#include "webrtc/Rfc4571.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTimer>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace hlscam {

class IceTcpListener : public QObject {
    Q_OBJECT
public:
    static constexpr int kBindTimeoutMs = 5000;         // to send a valid ICE check
    static constexpr qint64 kMaxUnsentBytes = 1 << 20;  // per connection; past it packets are dropped

    struct Limits {
        int connections = 64;
        int perAddress = 8;
    };
    // `isBanned` is asked at accept.
    IceTcpListener(Limits limits, std::function<bool(const QHostAddress &)> isBanned, QObject *parent = nullptr);
    ~IceTcpListener() override;

    Error listen(quint16 port);
    quint16 port() const;

    // The connection passed an ICE check of a session: it may stay and send anything.
    void bind(quint64 connection);
    // Sends one packet, framed; false when the connection is gone or too far behind.
    bool send(quint64 connection, QByteArrayView packet);
    void close(quint64 connection);
    // Closes every connection from inside `network`/`prefix` (a ban).
    void dropNetwork(const QHostAddress &network, int prefix);
    int connectionCount() const { return int(m_connections.size()); }

Q_SIGNALS:
    // A frame from a connection; `bound` says whether a check has bound it yet. The receiver
    // may close the connection (or any other) from the handler.
    void frame(quint64 connection, const QHostAddress &peer, quint16 port, const QByteArray &bytes, bool bound);
    // The connection is gone (closed by the viewer, by us, or by an error).
    void closed(quint64 connection);

private:
    struct Connection {
        QTcpSocket *socket = nullptr;
        QHostAddress peer;
        quint16 port = 0;
        rfc4571::Reader reader;
        qint64 acceptedMs = 0;
        bool bound = false;
    };
    void accept();
    void read(quint64 id);
    void sweep();
    void drop(quint64 id);

    Limits m_limits;
    std::function<bool(const QHostAddress &)> m_isBanned;
    QTcpServer *m_server = nullptr;
    QHash<quint64, Connection> m_connections;
    quint64 m_nextId = 1;
    QTimer m_sweeper;
};

}  // namespace hlscam
