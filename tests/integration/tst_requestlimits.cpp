// The request limits hold on every byte a client sends, whatever the connection is doing: a
// client that pipelines requests while reading slowly and then streams a huge body is cut off
// with the service's memory bounded; a chunked request behind a good one is never processed; a
// client that trickles bytes while its answer waits is closed; one /24 cannot take every
// connection; `Connection: close` and HTTP/1.0 close after the answer. Against the real binary,
// raw sockets from 127.0.0.0/8 source addresses, bounded loops.
#include "ProcStatus.h"
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QtTest>

#include <memory>
#include <vector>

namespace {

const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("the-right-one");

QByteArray authLine() { return "Authorization: Basic " + (kUser + u':' + kPassword).toUtf8().toBase64() + "\r\n"; }

// A connection from `from`; with `receiveBuffer`, a small kernel receive buffer (a slow reader).
std::unique_ptr<QTcpSocket> connectFrom(quint16 port, const QString &from, int receiveBuffer = 0)
{
    auto s = std::make_unique<QTcpSocket>();
    if (!s->bind(QHostAddress(from)))
        return nullptr;
    if (receiveBuffer > 0) {  // before connecting, so that the window is small from the start
        s->setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, receiveBuffer);
        s->setReadBufferSize(receiveBuffer);  // nor does Qt read ahead for us
    }
    s->connectToHost(QHostAddress::LocalHost, port);
    if (!s->waitForConnected(5000))
        return nullptr;
    return s;
}

// Reads until the server closes the connection or `timeoutMs` pass; true when it closed.
bool readUntilClosed(QTcpSocket &s, QByteArray &received, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && s.state() == QAbstractSocket::ConnectedState) {
        s.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        received += s.readAll();
    }
    received += s.readAll();
    return s.state() != QAbstractSocket::ConnectedState;
}

// The status codes of the whole answers in `stream`, in order.
QList<int> statuses(const QByteArray &stream)
{
    QList<int> out;
    qsizetype at = 0;
    for (int guard = 0; guard < 1000 && stream.mid(at, 9) == "HTTP/1.1 "; ++guard) {
        const qsizetype end = stream.indexOf("\r\n\r\n", at);
        if (end < 0)
            break;
        qint64 length = 0;
        for (const QByteArray &line : stream.mid(at, end - at).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        if (stream.size() < end + 4 + length)
            break;
        out << stream.mid(at + 9, 3).toInt();
        at = end + 4 + length;
    }
    return out;
}

}  // namespace

class TestRequestLimits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hugeBodyWhileAnAnswerIsPendingIsCutOff_data();
    void hugeBodyWhileAnAnswerIsPendingIsCutOff();
    void chunkedOrOversizedAnywhereIsNeverProcessed_data();
    void chunkedOrOversizedAnywhereIsNeverProcessed();
    void tricklingClientsAreClosed();
    void oneNetworkCannotTakeEveryConnection();
    void closeRequestsEndTheConnection_data();
    void closeRequestsEndTheConnection();
};

// The review's attack: a request whose answer is pending (many GETs pipelined by a client that
// does not read; or a request the server holds), then one that announces 2 GB and streams its
// body. At most 200 MB are offered; the service must stop taking them long before, and its peak
// memory must not follow what was sent.
void TestRequestLimits::hugeBodyWhileAnAnswerIsPendingIsCutOff_data()
{
    QTest::addColumn<QByteArray>("first");
    const QByteArray get = "GET /player.js HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authLine() + "\r\n";
    QTest::newRow("twenty answers unread") << get.repeated(20);
    // A camera that never streams: its playlist is held up to 10 s.
    QTest::newRow("a held playlist") << "GET /cam/dead/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authLine() +
                                            "\r\n";
}

void TestRequestLimits::hugeBodyWhileAnAnswerIsPendingIsCutOff()
{
    QFETCH(QByteArray, first);
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(service.start(
        service.configArgs("[camera.cam0]\ndevice = testpattern\n[camera.dead]\ndevice = /dev/video99\n")));
    QCOMPARE(service.get(QStringLiteral("/player.js"), kUser, kPassword).status, 200);  // credentials cached
    const qint64 rssBefore = procStatusKb(service.pid(), "VmRSS");

    auto s = connectFrom(service.port(), QStringLiteral("127.0.0.21"), 4096);
    QVERIFY(s);
    s->write(first);
    // The answer is pending; only then the body (the size check once skipped this state).
    s->waitForBytesWritten(1000);
    QTest::qWait(500);
    s->write("POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authLine() +
             "Content-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n");
    const QByteArray chunk(1 << 20, 'x');
    constexpr qint64 kOffered = 200ll << 20;
    qint64 queued = 0;
    bool stalled = false;
    QElapsedTimer clock;
    clock.start();
    while (queued < kOffered && clock.elapsed() < 60000 && s->state() == QAbstractSocket::ConnectedState) {
        if (s->bytesToWrite() < 4 * chunk.size()) {
            s->write(chunk);
            queued += chunk.size();
        } else if (!s->waitForBytesWritten(3000)) {
            stalled = s->state() == QAbstractSocket::ConnectedState;  // the server stopped reading
            break;
        }
    }
    const qint64 sent = queued - s->bytesToWrite();
    const bool closed = s->state() != QAbstractSocket::ConnectedState;
    const qint64 peak = procStatusKb(service.pid(), "VmHWM");
    qInfo("%lld MB of the body sent in %lld ms (%s); service RSS %lld kB before, peak %lld kB", sent >> 20,
          clock.elapsed(),
          closed    ? "closed"
          : stalled ? "stalled"
                    : "still taking it",
          rssBefore, peak);
    QVERIFY2(closed || stalled, "the service kept reading the body");
    QVERIFY2(sent < kOffered / 4, qPrintable(QStringLiteral("%1 MB taken").arg(sent >> 20)));
    // Under a sanitizer, shadow memory and the quarantine of freed blocks make RSS meaningless.
    if (qEnvironmentVariableIsEmpty("HLSCAM_SANITIZED"))
        QVERIFY2(peak - rssBefore < qint64{64} * 1024,
                 qPrintable(QStringLiteral("peak grew by %1 kB").arg(peak - rssBefore)));
    s.reset();
    QCOMPARE(service.getFrom(QStringLiteral("127.0.0.22"), QStringLiteral("/healthz")).status, 200);
}

// Each row: pieces sent with a pause between them, then the answers read until the server
// closes. Only the good GETs may be answered 200; what follows is refused (501, 413, 400) or the
// connection closed, and the connection always ends.
void TestRequestLimits::chunkedOrOversizedAnywhereIsNeverProcessed_data()
{
    QTest::addColumn<QList<QByteArray>>("pieces");
    QTest::addColumn<int>("answered");  // how many 200s
    const QByteArray good = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const QByteArray chunked =
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    QTest::newRow("chunked pipelined behind a good GET") << QList<QByteArray>{good + chunked} << 1;
    QTest::newRow("chunked after a pause, pipelined") << QList<QByteArray>{good + good, chunked} << 1;
    QTest::newRow("chunked head split across packets")
        << QList<QByteArray>{"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"}
        << 0;
    QTest::newRow("chunked with bare LF line ends")
        << QList<QByteArray>{"GET /healthz HTTP/1.1\nHost: 127.0.0.1\nTransfer-Encoding: chunked\n\n0\n\n"} << 0;
    QTest::newRow("leading blank lines, then chunked")
        << QList<QByteArray>{"\r\n\r\nGET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"} << 0;
    QTest::newRow("huge length split across packets")
        << QList<QByteArray>{"POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n", "Content-Length: 100000000\r\n\r\n",
                             QByteArray(65536, 'x')}
        << 0;
    QTest::newRow("WebSocket handshake (Qt would answer twice)")
        << QList<QByteArray>{"GET /healthz HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"} << 0;
    QTest::newRow("folded length") << QList<QByteArray>{"GET /healthz HTTP/1.1\r\nContent-Length: 5\r\n 0\r\n\r\n"}
                                   << 0;
    QTest::newRow("space before the colon")
        << QList<QByteArray>{"GET /healthz HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello"} << 0;
}

void TestRequestLimits::chunkedOrOversizedAnywhereIsNeverProcessed()
{
    QFETCH(QList<QByteArray>, pieces);
    QFETCH(int, answered);
    ServiceProcess service;
    QVERIFY(service.start());
    auto s = connectFrom(service.port(), QStringLiteral("127.0.0.31"));
    QVERIFY(s);
    QByteArray received;
    for (const QByteArray &piece : std::as_const(pieces)) {
        s->write(piece);
        s->waitForBytesWritten(1000);
        QTest::qWait(200);  // its own TCP segment, and the server has read it
        received += s->readAll();
    }
    const bool closed = readUntilClosed(*s, received, 5000);
    const QList<int> codes = statuses(received);
    qInfo() << "answers" << codes << (closed ? "then closed" : "still open");
    QCOMPARE(codes.count(200), answered);
    for (int code : codes)
        QVERIFY2(code == 200 || code == 400 || code == 413 || code == 501, qPrintable(QString::number(code)));
    QVERIFY2(closed, "the connection was kept open");
}

// A slow sender is cut off at header_timeout, and a client that does not read its answers is cut
// off however many bytes it trickles meanwhile.
void TestRequestLimits::tricklingClientsAreClosed()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY(service.start(service.configArgs("[server]\nheader_timeout = 2\nidle_timeout = 3\n")));
    QCOMPARE(service.get(QStringLiteral("/player.js"), kUser, kPassword).status, 200);

    const auto trickle = [](QTcpSocket &s, const QByteArray &byte, int maxMs) {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < maxMs && s.state() == QAbstractSocket::ConnectedState) {
            s.write(byte);
            s.flush();
            s.waitForReadyRead(500);  // notices the close; the answer stays unread in the socket
        }
        return clock.elapsed();
    };

    // The head, a byte every half second: 408 at header_timeout.
    auto head = connectFrom(service.port(), QStringLiteral("127.0.0.41"));
    QVERIFY(head);
    head->write("GET /healthz HTTP/1.1\r\nX-Slow: ");
    const qint64 headMs = trickle(*head, "a", 20000);
    qInfo("head trickler closed after %lld ms", headMs);
    QVERIFY2(headMs < 6000, qPrintable(QString::number(headMs)));

    // Answers the client does not read (a small receive window; ten of them, more than the
    // kernel's buffers take), while it sends bytes every half second: they are no activity.
    auto reader = connectFrom(service.port(), QStringLiteral("127.0.0.42"), 4096);
    QVERIFY(reader);
    reader->write(QByteArray("GET /player.js HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authLine() + "\r\n").repeated(10));
    const qint64 readerMs = trickle(*reader, "\r\n", 20000);
    qInfo("stalled reader closed after %lld ms", readerMs);
    QVERIFY2(readerMs < 10000, qPrintable(QString::number(readerMs)));
}

// A small global cap: twelve connections from six addresses of 127.0.1.0/24 get half of it, and
// a client from another network is still served. With max_connections_per_network set, the
// network is full at that number; a trusted proxy in it is not counted.
void TestRequestLimits::oneNetworkCannotTakeEveryConnection()
{
    std::vector<std::unique_ptr<QTcpSocket>> held;
    const auto fill = [&held](quint16 port, int addresses, int each) {
        for (int a = 1; a <= addresses; ++a)
            for (int i = 0; i < each; ++i)
                if (auto s = connectFrom(port, QStringLiteral("127.0.1.%1").arg(a)))
                    held.push_back(std::move(s));
        QTest::qWait(300);
        int open = 0;
        for (auto &s : held) {
            s->waitForReadyRead(10);
            open += s->state() == QAbstractSocket::ConnectedState && s->bytesAvailable() == 0;
        }
        return open;
    };

    {
        ServiceProcess service;
        QVERIFY(service.start(service.configArgs("[server]\nmax_connections = 8\nmax_connections_per_address = 2\n")));
        const int open = fill(service.port(), 6, 2);
        qInfo("127.0.1.0/24 holds %d of 8 connections", open);
        QCOMPARE(open, 4);
        QCOMPARE(service.getFrom(QStringLiteral("127.0.2.1"), QStringLiteral("/healthz")).status, 200);
        held.clear();
    }
    {
        ServiceProcess service;
        QVERIFY(
            service.start(service.configArgs("[server]\nmax_connections = 100\nmax_connections_per_address = 2\n"
                                             "max_connections_per_network = 3\ntrusted_proxies = 127.0.1.200\n")));
        QCOMPARE(fill(service.port(), 3, 2), 3);
        QCOMPARE(service.getFrom(QStringLiteral("127.0.1.9"), QStringLiteral("/healthz")).status, 503);
        QCOMPARE(service.getFrom(QStringLiteral("127.0.1.200"), QStringLiteral("/healthz")).status, 200);
        QCOMPARE(service.getFrom(QStringLiteral("127.0.2.1"), QStringLiteral("/healthz")).status, 200);
        held.clear();
    }
}

void TestRequestLimits::closeRequestsEndTheConnection_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("closes");
    QTest::newRow("Connection: close") << QByteArray(
                                              "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                                       << true;
    QTest::newRow("close among other options")
        << QByteArray("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n") << true;
    QTest::newRow("HTTP/1.0") << QByteArray("GET /healthz HTTP/1.0\r\n\r\n") << true;
    QTest::newRow("HTTP/1.0, keep-alive")
        << QByteArray("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
    QTest::newRow("HTTP/1.1") << QByteArray("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << false;
}

// After the answer the server closes at once when asked to; otherwise the connection takes the
// next request.
void TestRequestLimits::closeRequestsEndTheConnection()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, closes);
    ServiceProcess service;
    QVERIFY(service.start());
    auto s = connectFrom(service.port(), QStringLiteral("127.0.0.51"));
    QVERIFY(s);
    s->write(request);
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    const bool closed = readUntilClosed(*s, received, 3000);
    qInfo() << statuses(received) << (closed ? "closed after" : "open after") << clock.elapsed() << "ms";
    QCOMPARE(statuses(received), QList<int>{200});
    QCOMPARE(closed, closes);
    if (!closed) {
        s->write(request);
        QTRY_VERIFY_WITH_TIMEOUT((received += s->readAll(), s->waitForReadyRead(10), statuses(received).size() == 2),
                                 3000);
    }
}

QTEST_GUILESS_MAIN(TestRequestLimits)
#include "tst_requestlimits.moc"
