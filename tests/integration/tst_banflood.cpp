// A flood of failed logins from many addresses must not slow viewers down, and a ban made just
// before the service stops is kept. The real binary on loopback: one bad request from each of
// 2,000 addresses of 127.0.0.0/8 while a viewer at 127.0.0.1 keeps fetching the playlist.
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <functional>
#include <memory>

namespace {
const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");
// Only the viewer's address is exempt; every flooder counts.
const QByteArray kBans = "[bans]\nmaxretry = 10\nfindtime = 1h\nbantime = 1h\nignoreip = 127.0.0.1\n";
constexpr int kAddresses = 2000;
constexpr int kParallel = 16;  // flooding connections open at once

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    return values.at(qMin(values.size() - 1, qsizetype(p * double(values.size()))));
}

// One request with a bad token from each of `count` addresses (127.1.x.y), kParallel at a time;
// counts the 401 answers. Stops by itself after the last address.
class Flood : public QObject {
public:
    Flood(quint16 port, int count)
        : m_port(port),
          m_count(count)
    {}
    void start()
    {
        for (int i = 0; i < kParallel; ++i)
            next();
    }
    bool done() const { return m_finished == m_count; }
    QString progress() const
    {
        return QStringLiteral("%1 of %2 flood requests done, %3 answered 401")
            .arg(m_finished)
            .arg(m_count)
            .arg(m_unauthorized);
    }
    int unauthorized() const { return m_unauthorized; }

private:
    void next()
    {
        if (m_started == m_count)
            return;
        const int n = m_started++;
        auto *socket = new QTcpSocket(this);
        socket->bind(QHostAddress(QStringLiteral("127.1.%1.%2").arg(n / 250).arg(n % 250 + 1)));
        auto answer = std::make_shared<QByteArray>();
        auto counted = std::make_shared<bool>(false);
        // The service keeps the connection open after its answer (as HTTP/1.1 may): done when
        // the head is in, or when the connection ends.
        const auto finish = [this, socket, answer, counted] {
            if (*counted)
                return;
            *counted = true;
            if (answer->startsWith("HTTP/1.1 401"))
                ++m_unauthorized;
            ++m_finished;
            socket->abort();
            socket->deleteLater();
            next();
        };
        connect(socket, &QTcpSocket::connected, socket, [socket] {
            socket->write("GET /cam/cam0/index.m3u8?token=not-a-token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        });
        connect(socket, &QTcpSocket::readyRead, this, [socket, answer, finish] {
            *answer += socket->readAll();
            if (answer->contains("\r\n\r\n"))
                finish();
        });
        connect(socket, &QTcpSocket::disconnected, this, finish);
        connect(socket, &QTcpSocket::errorOccurred, this, finish);
        socket->connectToHost(QHostAddress::LocalHost, m_port);
    }

    quint16 m_port;
    int m_count;
    int m_started = 0;
    int m_finished = 0;
    int m_unauthorized = 0;
};

// The viewer: playlist after playlist on keep-alive connections, one at a time, until `until`
// says stop; returns each one's latency in ms (all must be 200).
QList<double> watch(ServiceProcess &service, const std::function<bool(int)> &until, int *notOk)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(service.url(kPlaylist));
    request.setRawHeader("Authorization", "Basic " + QByteArray("viewer:viewer-pw").toBase64());
    QList<double> latencies;
    QEventLoop loop;
    QElapsedTimer clock;
    std::function<void()> fetch = [&] {
        if (until(int(latencies.size()))) {
            loop.quit();
            return;
        }
        clock.start();
        QNetworkReply *reply = nam.get(request);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply] {
            latencies << double(clock.nsecsElapsed()) / 1e6;
            if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                ++*notOk;
            reply->deleteLater();
            QTimer::singleShot(5, &loop,
                               fetch);  // a player asks a few times a second, not flat out
        });
    };
    QTimer::singleShot(0, &loop, fetch);
    QTimer::singleShot(180000, &loop, &QEventLoop::quit);  // bounded, whatever happens
    loop.exec();
    return latencies;
}
}  // namespace

class TestBanFlood : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void viewersKeepTheirPaceUnderAFailureFlood();
    void banMadeJustBeforeStopIsKept();
    void ipv6NetworksListedAndLifted();
};

void TestBanFlood::viewersKeepTheirPaceUnderAFailureFlood()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY2(service.start(service.configArgs(kBans)), service.log().constData());
    QCOMPARE(service.get(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).status, 200);

    int notOk = 0;
    const QList<double> quiet = watch(
        service, [](int n) { return n >= 100; }, &notOk);
    Flood flood(service.port(), kAddresses);
    flood.start();
    const QList<double> flooded = watch(
        service, [&](int) { return flood.done(); }, &notOk);
    qInfo(
        "viewer playlist latency, quiet: p50 %.1f ms p99 %.1f ms; during a flood from %d addresses "
        "(%lld "
        "requests): p50 %.1f ms p99 %.1f ms max %.1f ms",
        percentile(quiet, 0.5), percentile(quiet, 0.99), kAddresses, qint64(flooded.size()), percentile(flooded, 0.5),
        percentile(flooded, 0.99), percentile(flooded, 1.0));
    QVERIFY2(flood.done(),
             qPrintable(QStringLiteral("the flood did not finish within 3 minutes: ") + flood.progress()));
    QCOMPARE(flood.unauthorized(), kAddresses);
    QCOMPARE(notOk, 0);
    QVERIFY(flooded.size() >= 20);
    // Generous for a loaded 2-core machine: a viewer waiting behind the bans file's rewrites
    // (the fault this test was written for) saw p50 434 ms, p99 1450 ms.
    QVERIFY2(percentile(flooded, 0.5) < 20, qPrintable(QString::number(percentile(flooded, 0.5))));
    QVERIFY2(percentile(flooded, 0.99) < 100, qPrintable(QString::number(percentile(flooded, 0.99))));

    // Every failure was logged in the stable format fail2ban's filter reads.
    const QByteArray log = service.log();
    QCOMPARE(log.count("hlscam.auth: authentication failure from 127.1."), qsizetype(kAddresses));
    QVERIFY(log.contains("authentication failure from 127.1.0.1: bad-token (1 of 10)"));
    // Failures are not state: the bans file, if any, holds none of them.
    QFile bans(service.stateDir() + QStringLiteral("/bans.json"));
    if (bans.open(QIODevice::ReadOnly))
        QVERIFY2(!bans.readAll().contains("127.1."), "failures were written to the bans file");
}

void TestBanFlood::banMadeJustBeforeStopIsKept()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("viewer"), QStringLiteral("viewer-pw")));
    QVERIFY2(service.start(service.configArgs("[bans]\nmaxretry = 2\nignoreip = 127.0.0.1\n")),
             service.log().constData());
    // Two bans at once: the second is made while the first one's write is still fresh, so it
    // waits for the next write, which SIGTERM comes before.
    for (const char *from : {"127.2.0.1", "127.2.0.2"}) {
        for (int i = 0; i < 2; ++i) {
            QTcpSocket socket;
            socket.bind(QHostAddress(QString::fromLatin1(from)));
            socket.connectToHost(QHostAddress::LocalHost, service.port());
            QVERIFY(socket.waitForConnected(5000));
            socket.write(
                "GET /cam/cam0/index.m3u8?token=bad HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: "
                "close\r\n\r\n");
            QVERIFY(socket.waitForBytesWritten(5000));
            if (i == 0)
                QVERIFY(socket.waitForReadyRead(5000));  // the first failure is answered at once
        }
    }
    // Stopped the moment the service says it banned the second address.
    QElapsedTimer clock;
    clock.start();
    while (!service.log().contains("ban 127.2.0.2 for") && clock.elapsed() < 10000)
        QTest::qWait(1);
    QVERIFY2(service.log().contains("ban 127.2.0.2 for"), service.log().constData());
    QCOMPARE(service.stop(), 0);
    QByteArray list;
    QCOMPARE(
        service.run({QStringLiteral("bans"), QStringLiteral("list"), QStringLiteral("--state-dir"), service.stateDir()},
                    {}, &list),
        0);
    QVERIFY2(list.contains("127.2.0.1 ") && list.contains("127.2.0.2 "), list.constData());
}

// IPv6 bans are per /64 (loopback has no such clients: the bans are written into the file as
// the service writes them): listed as the network, lifted by any address in it, by the network
// or by a wider one, through the command and the API.
void TestBanFlood::ipv6NetworksListedAndLifted()
{
    ServiceProcess service;
    QVERIFY(service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    const QStringList state{QStringLiteral("--state-dir"), service.stateDir()};
    const auto writeBans = [&](const QByteArray &keys) {
        QByteArray json = R"({"version":1,"addresses":{)";
        for (const QByteArray &k : keys.split(' '))
            json += '"' + k + R"(":{"banned_at":1,"banned_until":-1,"bans":1},)";
        json.chop(1);
        QFile f(service.stateDir() + QStringLiteral("/bans.json"));
        return f.open(QIODevice::WriteOnly) && f.write(json + "}}") > 0;
    };
    QVERIFY(writeBans("2001:db8:1:2::/64 2001:db8:1:3::/64 2001:db8:2::/64"));
    QByteArray out;
    QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list")} + state, {}, &out), 0);
    QVERIFY2(out.contains("2001:db8:1:2::/64  banned"), out.constData());
    // Any address of the network lifts its ban; then it is not banned any more.
    QCOMPARE(
        service.run(
            QStringList{QStringLiteral("bans"), QStringLiteral("unban"), QStringLiteral("2001:db8:1:2::99")} + state,
            {}, &out),
        0);
    QCOMPARE(
        service.run(
            QStringList{QStringLiteral("bans"), QStringLiteral("unban"), QStringLiteral("2001:db8:1:2::99")} + state,
            {}, &out),
        1);
    QCOMPARE(
        service.run(QStringList{QStringLiteral("bans"), QStringLiteral("unban"), QStringLiteral("2001:db8::/33x")} +
                    state),
        2);

    // Through the API, by the network and by a wider one.
    QVERIFY2(service.start(), service.log().constData());
    HttpReply r = service.get(QStringLiteral("/api/v1/bans"), QStringLiteral("admin"), QStringLiteral("admin-pw"));
    QVERIFY2(r.body.contains("\"2001:db8:1:3::/64\"") && !r.body.contains("2001:db8:1:2::"), r.body.constData());
    r = service.get(QStringLiteral("/api/v1/bans/2001:db8:1:3::/64"), QStringLiteral("admin"),
                    QStringLiteral("admin-pw"), "DELETE");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.contains("2001:db8:1:3::/64"), r.body.constData());
    r = service.get(QStringLiteral("/api/v1/bans/2001:db8::/32"), QStringLiteral("admin"), QStringLiteral("admin-pw"),
                    "DELETE");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.contains("2001:db8:2::/64"), r.body.constData());
    QCOMPARE(service
                 .get(QStringLiteral("/api/v1/bans/2001:db8:2::1"), QStringLiteral("admin"), QStringLiteral("admin-pw"),
                      "DELETE")
                 .status,
             404);
    QCOMPARE(service.stop(), 0);
    QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list")} + state, {}, &out), 0);
    QVERIFY2(!out.contains("2001:db8"), out.constData());
}

QTEST_GUILESS_MAIN(TestBanFlood)
#include "tst_banflood.moc"
