// The limits an operator may change take effect in the real binary: a lowered held-requests
// limit turns the next blocking playlist request away at once, token lifetimes bound what the
// API hands out, and a small ban list forgets its quietest address.
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>
#include <memory>
#include <vector>

#include "ServiceProcess.h"

namespace {

const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("viewer-pw");

QByteArray basic() { return "Basic " + (kUser + u':' + kPassword).toUtf8().toBase64(); }

// The status of the answer that has come in on `socket`, 0 while none has.
int statusOf(QTcpSocket &socket)
{
    socket.waitForReadyRead(0);
    const QByteArray head = socket.peek(12);
    return head.startsWith("HTTP/1.1 ") ? head.mid(9, 3).toInt() : 0;
}

HttpReply postToken(ServiceProcess &service, const QByteArray &json)
{
    return service.raw("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic() +
                       "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size()) +
                       "\r\n\r\n" + json);
}

}  // namespace

class TestLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void heldRequestsLimit();
    void tokenLifetimes();
    void banListSize();
};

// [server] max_held_requests = 3: of five playlist requests for a camera that has not streamed,
// three are held and two get a 503 at once (the default holds 1024).
void TestLimits::heldRequestsLimit()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(
        service.start(service.configArgs("[server]\nmax_held_requests = 3\n"
                                         "[camera.cam0]\ndevice = testpattern\n"
                                         "[camera.dead]\ndevice = /dev/video99\n")));
    const QByteArray request =
        "GET /cam/dead/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic() + "\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 5; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, service.port());
        QVERIFY(socket->waitForConnected(5000));
        socket->write(request);
        QVERIFY(socket->waitForBytesWritten(5000));
        sockets.push_back(std::move(socket));
    }
    const auto count = [&sockets](int status) {
        int n = 0;
        for (auto &s : sockets)
            n += statusOf(*s) == status;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(count(503), 2, 5000);
    for (auto &s : sockets)
        if (statusOf(*s) == 503)
            QVERIFY2(s->peek(4096).contains("too many waiting requests"), s->peek(4096).constData());
    QCOMPARE(count(0), 3);  // still held: the camera has made no segment
}

// [auth] token_lifetime, token_lifetime_max: a token asked for without a lifetime lasts the
// configured one, and a viewer may not ask for more than the maximum.
void TestLimits::tokenLifetimes()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(service.start(service.configArgs("[auth]\ntoken_lifetime = 10m\ntoken_lifetime_max = 1h\n")));

    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const HttpReply made = postToken(service, "{}");
    QCOMPARE(made.status, 201);
    const QString expires = QJsonDocument::fromJson(made.body).object().value(QStringLiteral("expires")).toString();
    const qint64 expiresS = QDateTime::fromString(expires, Qt::ISODate).toSecsSinceEpoch();
    QVERIFY2(expiresS >= before + 600 && expiresS <= QDateTime::currentSecsSinceEpoch() + 600, qPrintable(expires));

    QCOMPARE(postToken(service, R"({"ttl": 3600})").status, 201);
    const HttpReply tooLong = postToken(service, R"({"ttl": 3601})");
    QCOMPARE(tooLong.status, 400);
    QVERIFY2(tooLong.body.contains("from 60 to 3600"), tooLong.body.constData());
}

// [bans] max_addresses = 100 with maxretry = 2: an address that failed once, then 110 others that
// fail once each, and the first is forgotten (its next failure is its first again). Bad URL
// tokens are failures that cost no password hash.
void TestLimits::banListSize()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(
        service.start(service.configArgs("[camera.cam0]\ndevice = testpattern\n"
                                         "[bans]\nmaxretry = 2\nignoreip = 127.0.0.1\nmax_addresses = 100\n")));
    const QString badToken = QStringLiteral("/cam/cam0/index.m3u8?token=forged.token");
    const QString first = QStringLiteral("127.0.5.1");
    QCOMPARE(service.getFrom(first, badToken).status, 401);
    QVERIFY(service.log().contains("authentication failure from 127.0.5.1: bad-token (1 of 2)"));
    for (int i = 1; i <= 110; ++i)
        QCOMPARE(service.getFrom(QStringLiteral("127.0.6.%1").arg(i), badToken).status, 401);
    QCOMPARE(service.getFrom(first, badToken).status, 401);
    const QByteArray log = service.log();
    QVERIFY2(!log.contains("127.0.5.1: bad-token (2 of 2)"), "the first address was remembered");
    QCOMPARE(log.count("authentication failure from 127.0.5.1: bad-token (1 of 2)"), 2);
    // Still counting: its next failure bans it.
    QCOMPARE(service.getFrom(first, badToken).status, 401);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("127.0.5.1: bad-token (2 of 2)"), 5000);
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
