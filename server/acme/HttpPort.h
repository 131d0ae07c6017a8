// The plain-HTTP port (`[server] http_listen`, port 80 in the wild): it answers ACME HTTP-01
// challenges (GET /.well-known/acme-challenge/TOKEN) and sends every other request to the same
// path over HTTPS with 308, and nothing else: no page, no login, no API. Banned addresses are
// closed at accept like on the HTTPS port; a request is one bounded head read within a timeout,
// each connection answers once and closes, and the open connections are capped.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace hlscam {

class AcmeChallenges;
class BanStore;

class HttpPort : public QTcpServer {
    Q_OBJECT
public:
    // `httpsPort`: where the redirect points (443 is left out of the URL).
    HttpPort(const AcmeChallenges *challenges, const BanStore *bans, quint16 httpsPort, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const QByteArray &head);
    void reply(QTcpSocket *socket, const QByteArray &statusLine, const QByteArray &headers, const QByteArray &body);
    void sweep();

    const AcmeChallenges *m_challenges;
    const BanStore *m_bans;
    quint16 m_httpsPort;
    QHash<QTcpSocket *, qint64> m_started;  // connection -> when it was accepted
    QElapsedTimer m_clock;
    QTimer m_sweeper;
};

}  // namespace hlscam
