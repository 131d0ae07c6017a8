// The listening socket of the HTTP server, where hostile clients are stopped before Qt's HTTP
// parser or any hashing sees a byte: a banned address is closed at accept time, connections over
// the global, per-address or per-network (IPv4 /24, IPv6 /64) limit too. It then sees every byte
// a connection receives, before the parser, whatever the connection is doing: a head larger
// than max_request_bytes gets 431, a body that would make the request larger 413 (before it is
// read), a malformed head 400 and a chunked one 501 (see RequestHead), a request not complete
// within header_timeout 408 (slowloris), and a connection idle for idle_timeout is closed.
// One request at a time: what a client sends after a request before its answer is all written
// (pipelining) is dropped unparsed and the connection closed after that answer, as it is after
// `Connection: close` and HTTP/1.0.
#pragma once

#include "auth/AddressSet.h"
#include "config/Settings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>
#include <optional>

class QTcpSocket;

namespace hlscam {

class BanStore;

class Listener : public QTcpServer {
    Q_OBJECT
public:
    // `tls`: serve HTTPS with this configuration, or plain HTTP when empty.
    Listener(const ServerSettings &settings, const BanStore *bans, const std::optional<QSslConfiguration> &tls,
             QObject *parent = nullptr);

    // The HTTP server took a whole request off `socket` (called before it answers): its header
    // clock stops, and whatever follows the request is dropped unparsed.
    void requestDispatched(QTcpSocket *socket);
    // Closes every connection from inside network/prefix (it was just banned).
    void dropAddress(const QHostAddress &network, int prefix);
    // The answer on `socket` is a stream that lasts until the connection closes (MJPEG): it is
    // not finished when its buffer empties, nor idle while nothing is sent; only a reader that
    // stops reading is cut off.
    void streaming(QTcpSocket *socket);
    int connectionCount() const { return int(m_connections.size()); }
    // New connections get `tls` (a renewed certificate); open ones keep the one they began with.
    void setTlsConfiguration(const QSslConfiguration &tls) { m_tls = tls; }
    // New HTTPS connections send HSTS (see StrictTransport.h): true unless the certificate is
    // the self-signed stand-in.
    void setStrictTransport(bool on) { m_strictTransport = on; }

    struct Counters {
        quint64 refusedBanned = 0;
        quint64 refusedLimit = 0;
        quint64 timedOut = 0;
        quint64 tooLarge = 0;
    };
    const Counters &counters() const { return m_counters; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    // Where a connection is with its current request.
    enum class Phase {
        Head,       // its head is arriving (or the connection waits for one)
        Body,       // the body its Content-Length announced is arriving
        Complete,   // all of it is in; Qt's parser is about to hand it to the HTTP server
        Answering,  // handed over; its answer is not all written yet
        Streaming,  // its answer is a stream (MJPEG) written until the connection closes
        Closing,    // refused, or closing after its answer
    };
    struct Connection {
        QString address;
        QString network;  // empty for a trusted proxy (not counted)
        Phase phase = Phase::Head;
        qint64 requestStartMs = 0;  // first byte of an unfinished request; 0 when none
        qint64 lastActivityMs = 0;  // the answer last moved (or the last one was done)
        QByteArray head;            // Head: what arrived of it
        qint64 blanks = 0;          // Head: line ends before it (Qt's parser skips them)
        qint64 bodyLeft = 0;        // Body: bytes still to come
        qint64 beyond = 0;          // bytes after the request, before its answer was done
        bool closeAfterAnswer = false;
    };

    void onReadyRead(QTcpSocket *socket);
    bool readHead(QTcpSocket *socket, Connection &c, QByteArrayView &arrived);
    void beyondRequest(QTcpSocket *socket, Connection &c, qint64 bytes);
    void onBytesWritten(QTcpSocket *socket);
    void sweep();
    void refuse(QTcpSocket *socket, const char *statusLine);
    void tooLarge(QTcpSocket *socket, const char *statusLine);
    qint64 now() const { return m_clock.elapsed(); }

    ServerSettings m_settings;
    const BanStore *m_bans;
    std::optional<QSslConfiguration> m_tls;
    bool m_strictTransport = true;
    AddressSet m_trustedProxies;
    QHash<QTcpSocket *, Connection> m_connections;
    QHash<QString, int> m_perAddress;
    QHash<QString, int> m_perNetwork;
    int m_perNetworkLimit;
    QTimer m_sweeper;
    QElapsedTimer m_clock;
    Counters m_counters;
};

}  // namespace hlscam
