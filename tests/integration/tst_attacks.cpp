// Attacks on the real binary, bounded and on loopback only. Brute force: 1000 password guesses
// from 50 addresses of 127.0.0.0/8. Each address is banned exactly at its maxretry, no wrong
// password is ever accepted, banned addresses are refused at connect, and a legitimate viewer
// (127.0.0.1, in ignoreip) keeps getting the playlist throughout. Slowloris: 300 connections
// from 10 addresses that trickle their headers a byte a second; a viewer is still answered
// within a second, and the slow ones are cut off at header_timeout. Hostile requests (traversal,
// NUL, bad UTF-8, huge numbers, oversized bodies) get clean errors; blocking reloads parked by
// the thousand are bounded.
#include "ProcStatus.h"
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QtTest>

#include <algorithm>
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

namespace {
// `each` connections from each of `addresses` loopback addresses (prefix + 1, 2, ...), each sent
// `bytes`. False when one could not connect.
bool connectAndSend(std::vector<std::unique_ptr<QTcpSocket>> &out, const QString &prefix, int addresses, int each,
                    quint16 port, const QByteArray &bytes)
{
    for (int a = 0; a < addresses; ++a) {
        for (int i = 0; i < each; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            if (!s->bind(QHostAddress(prefix + QString::number(a + 1))))
                return false;
            s->connectToHost(QHostAddress::LocalHost, port);
            out.push_back(std::move(s));
        }
    }
    for (auto &s : out) {
        if (!s->waitForConnected(5000))
            return false;
        s->write(bytes);
        s->flush();
    }
    return true;
}
}  // namespace

class TestAttacks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bruteForceFromManyAddresses();
    void slowlorisDoesNotStarveViewers();
    void hostileRequestsGetCleanErrors_data();
    void hostileRequestsGetCleanErrors();
    void parkedBlockingReloadsAreBounded();
    void cleanupTestCase() { m_hostileTarget.reset(); }

private:
    std::unique_ptr<ServiceProcess> m_hostileTarget;
};

void TestAttacks::bruteForceFromManyAddresses()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    const QStringList config =
        service.configArgs("[bans]\nmaxretry = 10\nfindtime = 1h\nbantime = 1h\nignoreip = 127.0.0.1\n");
    QVERIFY(service.start(config));
    QCOMPARE(service.get(kPlaylist, kUser, kPassword).status, 200);

    int answered401 = 0, refused = 0, accepted = 0, legitimateOk = 0, legitimateChecks = 0;
    for (int round = 0; round < kTriesEach; ++round) {
        for (int a = 0; a < kAddresses; ++a) {
            const QString from = QStringLiteral("127.0.1.%1").arg(a + 1);
            // A different wrong password each time, as a dictionary attack would.
            const QByteArray guess = (kUser + QStringLiteral(":guess-%1-%2").arg(a).arg(round)).toUtf8().toBase64();
            const HttpReply r =
                service.raw("GET " + kPlaylist.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                                guess + "\r\nConnection: close\r\n\r\n",
                            from, 5000);
            if (r.status == 200)
                ++accepted;
            if (round < kMaxRetry) {
                // Up to and including the maxretry-th, each guess is answered 401...
                QVERIFY2(r.status == 401,
                         qPrintable(QStringLiteral("%1, guess %2: status %3").arg(from).arg(round + 1).arg(r.status)));
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
    qInfo("%d guesses answered 401, %d refused at connect, %d accepted; legitimate viewer %d of %d", answered401,
          refused, accepted, legitimateOk, legitimateChecks);
    QCOMPARE(accepted, 0);
    QCOMPARE(answered401, kAddresses * kMaxRetry);
    QCOMPARE(refused, kAddresses * (kTriesEach - kMaxRetry));
    QCOMPARE(legitimateOk, legitimateChecks);
    // Every attacker is in the ban list, each banned once, and the viewer's address is not.
    QByteArray list;
    QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list"), QStringLiteral("--state-dir"),
                                     service.stateDir()} +
                             config,
                         {}, &list),
             0);
    for (int a = 0; a < kAddresses; ++a)
        QVERIFY2(list.contains(QStringLiteral("127.0.1.%1 ").arg(a + 1).toUtf8()), list.constData());
    QVERIFY(!list.contains("127.0.0.1 "));
    QCOMPARE(int(service.log().count("ban 127.0.1.")), kAddresses);
}

void TestAttacks::slowlorisDoesNotStarveViewers()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(
        service.start(service.configArgs("[server]\nheader_timeout = 3s\nmax_connections = 1000\n"
                                         "max_connections_per_network = 500\n")));
    QCOMPARE(service.get(kPlaylist, kUser, kPassword).status, 200);

    // 10 addresses x 30 connections (under max_connections_per_address, and one /24 may hold
    // them all), each a request begun.
    std::vector<std::unique_ptr<QTcpSocket>> slow;
    QVERIFY(connectAndSend(slow, QStringLiteral("127.0.2."), 10, 30, service.port(),
                           "GET /cam/cam0/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    auto stillOpen = [&slow] {
        return int(std::count_if(slow.begin(), slow.end(),
                                 [](const auto &s) { return s->state() == QAbstractSocket::ConnectedState; }));
    };
    // A byte a second on each, until header_timeout (3 s) has cut every one of them off (or 30 s
    // have passed); meanwhile a viewer is served each second, promptly.
    qint64 slowest = 0;
    int rounds = 0;
    QElapsedTimer attack;
    attack.start();
    do {
        for (auto &s : slow) {
            if (s->state() == QAbstractSocket::ConnectedState) {
                s->write("a");  // one more byte of a header that never ends
                s->flush();
            }
        }
        const HttpReply r = service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, kUser, kPassword);
        QCOMPARE(r.status, 200);
        slowest = qMax(slowest, r.answeredAfterMs);
        ++rounds;
        QTest::qWait(1000);  // the attacker's pace
    } while (stillOpen() > 0 && attack.elapsed() < 30000);
    qInfo("300 slow connections, all cut off after %lld ms: the viewer's slowest of %d answers took %lld ms",
          attack.elapsed(), rounds, slowest);
    QVERIFY2(slowest < 1000, qPrintable(QStringLiteral("%1 ms").arg(slowest)));
    QCOMPARE(stillOpen(), 0);
}

void TestAttacks::hostileRequestsGetCleanErrors_data()
{
    QTest::addColumn<QByteArray>("request");  // sent with a valid viewer's credentials
    QTest::addColumn<int>("status");
    const QByteArray auth = "Authorization: Basic " + (kUser + u':' + kPassword).toUtf8().toBase64() + "\r\n";
    auto get = [&](const QByteArray &target) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n";
    };
    // Traversal, plain and encoded: media paths are parsed strictly, nothing is read from disk.
    QTest::newRow("dot-dot") << get("/cam/../cam/cam0/index.m3u8") << 404;
    QTest::newRow("dot-dot out of the camera") << get("/cam/cam0/../../etc/passwd") << 404;
    QTest::newRow("encoded dot-dot") << get("/cam/%2e%2e/cam0/index.m3u8") << 404;
    QTest::newRow("encoded slashes") << get("/cam/cam0/%2e%2e%2f%2e%2e%2fetc%2fpasswd") << 404;
    QTest::newRow("overlong UTF-8 dots") << get("/%c0%ae%c0%ae/etc/passwd") << 404;
    QTest::newRow("double slash") << get("//etc/passwd") << 404;
    // NUL and bytes that are not UTF-8, encoded and raw.
    QTest::newRow("encoded NUL") << get("/cam/cam0%00/index.m3u8") << 404;
    QTest::newRow("encoded NUL before a suffix") << get("/cam/cam0/index.m3u8%00.jpg") << 404;
    QTest::newRow("invalid UTF-8, encoded") << get("/cam/caf%C3%A9%FF/index.m3u8") << 404;
    QTest::newRow("raw NUL") << get(QByteArray("/cam/cam0\0/index.m3u8", 22)) << 400;
    QTest::newRow("raw invalid UTF-8") << get("/cam/\xff\xfe/index.m3u8") << 404;
    // Numbers beyond any range.
    QTest::newRow("huge _HLS_msn") << get("/cam/cam0/index.m3u8?_HLS_msn=99999999999999999999999&_HLS_part=0") << 400;
    QTest::newRow("_HLS_msn at int64 max") << get("/cam/cam0/index.m3u8?_HLS_msn=9223372036854775807") << 400;
    QTest::newRow("negative _HLS_part") << get("/cam/cam0/index.m3u8?_HLS_msn=1&_HLS_part=-1") << 400;
    QTest::newRow("huge segment number") << get("/cam/cam0/seg99999999999999999999.m4s") << 404;
    // Bodies: none is wanted on media; a body over max_request_bytes is refused unread.
    QTest::newRow("announced 100 MB body")
        << ("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Length: 100000000\r\n\r\n") << 413;
    QTest::newRow("oversized body sent") << ("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                                             "Content-Length: 40000\r\n\r\n" + QByteArray(40000, 'x'))
                                         << 413;
    QTest::newRow("bad Content-Length") << ("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                                            "Content-Length: -5\r\n\r\n")
                                        << 400;
}

// Each gets a clean 4xx, and the service is still there to serve the viewer afterwards.
void TestAttacks::hostileRequestsGetCleanErrors()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    if (!m_hostileTarget) {  // one service for all rows; cleanupTestCase stops it
        m_hostileTarget = std::make_unique<ServiceProcess>();
        QVERIFY(m_hostileTarget->addUser(kUser, kPassword));
        QVERIFY(m_hostileTarget->start());
    }
    ServiceProcess *service = m_hostileTarget.get();
    const HttpReply r = service->raw(request, QStringLiteral("127.0.3.1"), 5000);
    QCOMPARE(r.status, status);
    QCOMPARE(service->get(kPlaylist, kUser, kPassword).status, 200);
    QVERIFY(!service->log().contains("ASSERT"));
}

// Requests the server holds (a playlist of a camera that has not streamed yet is held up to 10 s,
// as blocking reloads are) are bounded: 1200 of them from 40 addresses get 1024 held and the
// rest a prompt 503, the service's memory grows by what the open connections cost and no more,
// a viewer of another camera is served meanwhile, and the held ones get their 503 in time.
void TestAttacks::parkedBlockingReloadsAreBounded()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(service.start(
        service.configArgs("[server]\nmax_connections = 2500\nmax_connections_per_address = 32\n"
                           "max_connections_per_network = 1250\n"
                           "[camera.cam0]\ndevice = testpattern\n[camera.dead]\ndevice = /dev/video99\n")));
    QTRY_COMPARE_WITH_TIMEOUT(service.get(kPlaylist, kUser, kPassword).status, 200, 10000);
    const QByteArray request =
        "GET /cam/dead/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Basic " +
        (kUser + u':' + kPassword).toUtf8().toBase64() + "\r\n\r\n";
    const qint64 rssBefore = rssKb(service.pid());

    std::vector<std::unique_ptr<QTcpSocket>> parked;
    QElapsedTimer sending;
    sending.start();
    QVERIFY(connectAndSend(parked, QStringLiteral("127.0.4."), 40, 30, service.port(), request));
    auto statusOf = [](QTcpSocket &s) {
        const QByteArray head = s.peek(12);
        return head.startsWith("HTTP/1.1 ") ? head.mid(9, 3).toInt() : 0;
    };
    auto answered = [&](int status) {
        int n = 0;
        for (auto &s : parked) {
            s->waitForReadyRead(0);
            n += statusOf(*s) == status;
        }
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(answered(503), 1200 - 1024, 8000);
    qInfo("sent in %lld ms", sending.elapsed());
    const qint64 rssHeld = rssKb(service.pid());
    qInfo("1200 held requests: 176 refused with 503 at once; RSS %lld -> %lld kB", rssBefore, rssHeld);
    // 1200 open connections, 1024 of them held: bounded by the connection limits, some 20 kB each.
    // (Under a sanitizer, its shadow memory and quarantine of freed blocks make RSS meaningless.)
    if (qEnvironmentVariableIsEmpty("HLSCAM_SANITIZED"))
        QVERIFY2(rssHeld - rssBefore < qint64{40} * 1024, qPrintable(QString::number(rssHeld - rssBefore)));
    const HttpReply viewer = service.getFrom(QStringLiteral("127.0.0.1"), kPlaylist, kUser, kPassword);
    QCOMPARE(viewer.status, 200);
    QVERIFY2(viewer.answeredAfterMs < 1000, qPrintable(QString::number(viewer.answeredAfterMs)));
    // The held ones are let go after their 10 s, with a 503 and Retry-After.
    QTRY_COMPARE_WITH_TIMEOUT(answered(503), 1200, 20000);
    QVERIFY(parked.front()->peek(4096).contains("Retry-After"));
}

QTEST_GUILESS_MAIN(TestAttacks)
#include "tst_attacks.moc"
