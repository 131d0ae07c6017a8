// Attacks on the real binary, bounded and on loopback only. Brute force: 1000 password guesses
// from 50 addresses of 127.0.0.0/8. Each address is banned exactly at its maxretry, no wrong
// password is ever accepted, banned addresses are refused at connect, and a legitimate viewer
// (127.0.0.1, in ignoreip) keeps getting the playlist throughout. Slowloris: 300 connections
// from 10 addresses that trickle their headers a byte a second; a viewer is still answered
// within a second, and the slow ones are cut off at header_timeout.
#include "ServiceProcess.h"

#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <vector>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("the-right-one");
const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");
constexpr int kAddresses = 50;
constexpr int kTriesEach = 20;  // 1000 in all
constexpr int kMaxRetry = 10;
}  // namespace

class TestAttacks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bruteForceFromManyAddresses();
    void slowlorisDoesNotStarveViewers();
};

void TestAttacks::bruteForceFromManyAddresses()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    const QStringList config = service.configArgs("[bans]\nmaxretry = 10\nfindtime = 1h\nbantime = 1h\nignoreip = 127.0.0.1\n");
    QVERIFY(service.start(config));
    QCOMPARE(service.get(kPlaylist, kUser, kPassword).status, 200);

    int answered401 = 0, refused = 0, accepted = 0, legitimateOk = 0, legitimateChecks = 0;
    for (int round = 0; round < kTriesEach; ++round) {
        for (int a = 0; a < kAddresses; ++a) {
            const QString from = QStringLiteral("127.0.1.%1").arg(a + 1);
            // A different wrong password each time, as a dictionary attack would.
            const QByteArray guess = (kUser + QStringLiteral(":guess-%1-%2").arg(a).arg(round)).toUtf8().toBase64();
            const HttpReply r = service.raw("GET " + kPlaylist.toUtf8() + " HTTP/1.1\r\nHost: cam\r\nAuthorization: Basic " +
                                            guess + "\r\nConnection: close\r\n\r\n", from, 5000);
            if (r.status == 200)
                ++accepted;
            if (round < kMaxRetry) {
                // Up to and including the maxretry-th, each guess is answered 401...
                QVERIFY2(r.status == 401, qPrintable(QStringLiteral("%1, guess %2: status %3").arg(from).arg(round + 1).arg(r.status)));
                ++answered401;
            } else {
                // ...after it, the address is closed at connect, before any HTTP.
                QVERIFY2(r.status == 0 && r.closedAfterMs >= 0,
                         qPrintable(QStringLiteral("%1, guess %2: status %3").arg(from).arg(round + 1).arg(r.status)));
                ++refused;
            }
        }
        ++legitimateChecks;
        if (service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, kUser, kPassword).status == 200)
            ++legitimateOk;
    }
    qInfo("%d guesses answered 401, %d refused at connect, %d accepted; legitimate viewer %d of %d",
          answered401, refused, accepted, legitimateOk, legitimateChecks);
    QCOMPARE(accepted, 0);
    QCOMPARE(answered401, kAddresses * kMaxRetry);
    QCOMPARE(refused, kAddresses * (kTriesEach - kMaxRetry));
    QCOMPARE(legitimateOk, legitimateChecks);
    // Every attacker is in the ban list, each banned once, and the viewer's address is not.
    QByteArray list;
    QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list"), QStringLiteral("--state-dir"),
                                     service.stateDir()} + config, {}, &list), 0);
    for (int a = 0; a < kAddresses; ++a)
        QVERIFY2(list.contains(QStringLiteral("127.0.1.%1 ").arg(a + 1).toUtf8()), list.constData());
    QVERIFY(!list.contains("127.0.0.1 "));
    QCOMPARE(int(service.log().count("ban 127.0.1.")), kAddresses);
}

void TestAttacks::slowlorisDoesNotStarveViewers()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(service.start(service.configArgs("[server]\nheader_timeout = 3s\n")));
    QCOMPARE(service.get(kPlaylist, kUser, kPassword).status, 200);

    // 10 addresses x 30 connections (under max_connections_per_address), each a request begun.
    std::vector<std::unique_ptr<QTcpSocket>> slow;
    for (int a = 0; a < 10; ++a) {
        for (int i = 0; i < 30; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            QVERIFY(s->bind(QHostAddress(QStringLiteral("127.0.2.%1").arg(a + 1))));
            s->connectToHost(QHostAddress::LocalHost, service.port());
            slow.push_back(std::move(s));
        }
    }
    for (auto &s : slow) {
        QVERIFY(s->waitForConnected(5000));
        s->write("GET /cam/cam0/index.m3u8 HTTP/1.1\r\nHost: cam\r\nX-Slow: ");
        s->flush();
    }
    qint64 slowest = 0;
    for (int second = 0; second < 6; ++second) {
        for (auto &s : slow) {
            if (s->state() == QAbstractSocket::ConnectedState) {
                s->write("a");  // one more byte of a header that never ends
                s->flush();
            }
        }
        const HttpReply r = service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, kUser, kPassword);
        QCOMPARE(r.status, 200);
        slowest = qMax(slowest, r.answeredAfterMs);
        QTest::qWait(1000);
    }
    qInfo("300 slow connections: the viewer's slowest answer took %lld ms", slowest);
    QVERIFY2(slowest < 1000, qPrintable(QStringLiteral("%1 ms").arg(slowest)));
    // header_timeout (3 s) has passed several times over: every slow connection was cut off.
    int open = 0;
    for (auto &s : slow) {
        s->waitForReadyRead(10);
        if (s->state() == QAbstractSocket::ConnectedState)
            ++open;
    }
    QCOMPARE(open, 0);
}

QTEST_GUILESS_MAIN(TestAttacks)
#include "tst_attacks.moc"
