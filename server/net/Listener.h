// The listening socket of the HTTP server, where hostile clients are stopped before Qt's HTTP
// parser or any hashing sees a byte: a banned address is closed at accept time, connections over
// the global or per-address limit too. It then watches each connection: a head larger than
// max_request_bytes gets 431, a body that would make the request larger 413 (before it is read),
// a malformed Content-Length 400 (see RequestHead), a request not complete within
// header_timeout 408 (slowloris),
// and a connection idle for idle_timeout is closed.
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
    Listener(const ServerSettings &settings, const BanStore *bans,
             const std::optional<QSslConfiguration> &tls, QObject *parent = nullptr);

    // The HTTP server took a whole request off `socket`: its header clock stops until the
    // response has been sent.
    void requestDispatched(QTcpSocket *socket);
    // Closes every connection from inside network/prefix (it was just banned).
    void dropAddress(const QHostAddress &network, int prefix);
    int connectionCount() const { return int(m_connections.size()); }

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
    struct Connection {
        QString address;
        qint64 requestStartMs = 0;  // first byte of an unfinished request; 0 when none
        qint64 requestBytes = 0;
        qint64 lastActivityMs = 0;
        bool responding = false;    // a request was dispatched and its answer is not all sent
        bool headChecked = false;   // this request's head passed checkRequestHead
    };

    void onReadyRead(QTcpSocket *socket);
    void onBytesWritten(QTcpSocket *socket);
    void sweep();
    void refuse(QTcpSocket *socket, const char *statusLine);
    void tooLarge(QTcpSocket *socket, const char *statusLine);
    qint64 now() const { return m_clock.elapsed(); }

    ServerSettings m_settings;
    const BanStore *m_bans;
    std::optional<QSslConfiguration> m_tls;
    AddressSet m_trustedProxies;
    QHash<QTcpSocket *, Connection> m_connections;
    QHash<QString, int> m_perAddress;
    QTimer m_sweeper;
    QElapsedTimer m_clock;
    Counters m_counters;
};

}  // namespace hlscam
