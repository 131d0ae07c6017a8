// Attacks on the real binary, bounded and on loopback only. Brute force: 1000 password guesses
// from 50 addresses of 127.0.0.0/8. Each address is banned exactly at its maxretry, no wrong
// password is ever accepted, banned addresses are refused at connect, and a legitimate viewer
// (127.0.0.1, in ignoreip) keeps getting the playlist throughout.
#include "ServiceProcess.h"

#include <QFile>
#include <QtTest>

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
};

void TestAttacks::bruteForceFromManyAddresses()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    const QString config = service.stateDir() + QStringLiteral("/attack.conf");
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[bans]\nmaxretry = 10\nfindtime = 1h\nbantime = 1h\nignoreip = 127.0.0.1\n");
    f.close();
    QVERIFY(service.start({QStringLiteral("--config"), config}));
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
    QCOMPARE(service.run({QStringLiteral("bans"), QStringLiteral("list"), QStringLiteral("--state-dir"), service.stateDir(),
                          QStringLiteral("--config"), config}, {}, &list), 0);
    for (int a = 0; a < kAddresses; ++a)
        QVERIFY2(list.contains(QStringLiteral("127.0.1.%1 ").arg(a + 1).toUtf8()), list.constData());
    QVERIFY(!list.contains("127.0.0.1 "));
    QCOMPARE(int(service.log().count("ban 127.0.1.")), kAddresses);
}

QTEST_GUILESS_MAIN(TestAttacks)
#include "tst_attacks.moc"
