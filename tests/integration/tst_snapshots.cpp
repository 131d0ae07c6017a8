// Snapshots (/cam/NAME/snapshot.jpg) and MJPEG (/cam/NAME/stream.mjpg) from the real binary on
// the test pattern, read by FFmpeg: the picture's size and its time code (the newest frame),
// the multipart stream, a watcher that stops reading (skipped, not buffered: the service's
// memory stays flat and the other watcher keeps its rate), the watcher limit, and access exactly
// like the playlist's (Basic, URL tokens, failures counted toward bans).
#include "FfProbe.h"
#include "JpegPixels.h"
#include "ProcStatus.h"
#include "ServiceProcess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QtTest>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("pw-snapshots");
const QString kSnapshot = QStringLiteral("/cam/cam0/snapshot.jpg");
const QString kStream = QStringLiteral("/cam/cam0/stream.mjpg");
constexpr int kWidth = 1280;
constexpr int kHeight = 720;
constexpr int kFps = 25;

QByteArray basic(const QString &user, const QString &password)
{
    return "Basic " + (user + u':' + password).toUtf8().toBase64();
}

// The pattern's time code (see core/capture/ClockOverlay.h) read off a JPEG decoded by ffmpeg
// to grey pixels: the capture's wall-clock milliseconds mod 2^32, or nullopt.
std::optional<quint64> timeCode(const QByteArray &jpeg, int width, int height)
{
    const QByteArray grey = jpegPixels(jpeg, QStringLiteral("gray"));
    if (grey.size() != qsizetype(width) * height)
        return std::nullopt;
    const int block = qMax(4, (width / 40) & ~1);
    auto bit = [&](int i) {
        return quint8(grey[qsizetype(block / 2) * width + qsizetype(i) * block + block / 2]) > 128 ? 1 : 0;
    };
    if (bit(0) != 1 || bit(1) != 0)
        return std::nullopt;
    quint64 stamp = 0;
    for (int i = 2; i < 34; ++i)
        stamp = stamp * 2 + quint64(bit(i));
    return stamp;
}

// How long before `nowMs` (wall clock) the picture stamped `stamp` was captured.
qint64 ageMs(quint64 stamp, qint64 nowMs)
{
    constexpr quint64 span = quint64(1) << 32;
    const quint64 now = quint64(nowMs) % span;
    return qint64((now + span - stamp) % span);
}

// One watcher of the stream on its own connection. `reading` false: it reads nothing after the
// head (a stalled client: its receive buffer is kept small so the stall reaches the server).
class Watcher {
public:
    Watcher(quint16 port, const QByteArray &authorization, bool reading)
        : m_reading(reading)
    {
        if (!reading) {
            m_socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
            m_socket.setReadBufferSize(4096);
        }
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { read(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET /cam/cam0/stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization +
                       "\r\n\r\n");
    }
    int status() const { return m_head.startsWith("HTTP/1.1 ") ? m_head.mid(9, 3).toInt() : 0; }
    const QByteArray &head() const { return m_head; }
    int frames() const { return m_frames; }
    qint64 bytes() const { return m_bytes; }
    bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    // Whether an HTTP status line came inside the stream (an answer to a later request).
    bool answerInStream() const { return m_answerInStream; }
    void send(const QByteArray &bytes) { m_socket.write(bytes); }

private:
    void read()
    {
        if (!m_reading && status() != 0)
            return;  // stalled: never reads past the head
        const QByteArray data = m_socket.read(m_reading ? 1 << 20 : 512);
        if (status() == 0) {
            m_head += data;
            const qsizetype end = m_head.indexOf("\r\n\r\n");
            if (end >= 0)
                m_head.truncate(end + 4);
            return;
        }
        m_bytes += data.size();
        // Boundaries counted across reads: the tail of the last read is kept.
        const QByteArray joined = m_tail + data;
        m_answerInStream = m_answerInStream || joined.contains("HTTP/1.1 ");
        m_frames += int(joined.count("--hlscamframe\r\n"));
        m_tail = joined.right(20);
        m_frames -= int(m_tail.count("--hlscamframe\r\n"));
    }

    QTcpSocket m_socket;
    bool m_reading;
    QByteArray m_head;
    QByteArray m_tail;
    int m_frames = 0;
    qint64 m_bytes = 0;
    bool m_answerInStream = false;
};

}  // namespace

class TestSnapshots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void snapshotDecodesAtTheCameraSizeAndScaled();
    void snapshotIsTheNewestPicture();
    void snapshotParametersAreChecked();
    void mjpegIsReadByFfmpeg();
    void aStalledWatcherIsSkippedNotBuffered();
    void watchersAreLimited();
    void aStreamTakesNoFurtherRequests();
    void accessIsLikeThePlaylist();
    void countersAreReported();

private:
    QString makeToken();
    ServiceProcess m_service;
};

void TestSnapshots::initTestCase()
{
    QVERIFY(m_service.addUser(kUser, kPassword));
    QVERIFY(m_service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    const QStringList config = m_service.configArgs(QStringLiteral("[camera.cam0]\ndevice = testpattern\nwidth = %1\n"
                                                                   "height = %2\nfps = %3\nmjpeg_max_clients = 2\n"
                                                                   "[bans]\nmaxretry = 10\nignoreip = 127.0.0.1\n")
                                                        .arg(kWidth)
                                                        .arg(kHeight)
                                                        .arg(kFps)
                                                        .toUtf8());
    QVERIFY(!config.isEmpty());
    QVERIFY2(m_service.start(config), m_service.log().constData());
    // The camera has a picture once its first playlist is served.
    QTRY_COMPARE_WITH_TIMEOUT(m_service.get(kSnapshot, kUser, kPassword).status, 200, 20000);
}

void TestSnapshots::cleanupTestCase() { m_service.stop(); }

QString TestSnapshots::makeToken()
{
    const QByteArray body = R"({"ttl": 600})";
    const HttpReply made = m_service.raw(
        "POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Authorization: " +
        basic(kUser, kPassword) + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    if (made.status != 201)
        return {};
    return QJsonDocument::fromJson(made.body).object()[QStringLiteral("token")].toString();
}

void TestSnapshots::snapshotDecodesAtTheCameraSizeAndScaled()
{
    const HttpReply full = m_service.get(kSnapshot, kUser, kPassword);
    QCOMPARE(full.status, 200);
    QCOMPARE(full.header("Content-Type"), QByteArray("image/jpeg"));
    QCOMPARE(full.header("Cache-Control"), QByteArray("no-store"));
    QVERIFY(full.header("Last-Modified").endsWith(" GMT"));
    QCOMPARE(probePicture(full.body), QStringLiteral("mjpeg %1x%2").arg(kWidth).arg(kHeight));

    // Scaled down, the aspect kept (16:9).
    const HttpReply small = m_service.get(kSnapshot + QStringLiteral("?width=320"), kUser, kPassword);
    QCOMPARE(small.status, 200);
    QCOMPARE(probePicture(small.body), QStringLiteral("mjpeg 320x180"));
    QVERIFY(small.body.size() < full.body.size());

    // HEAD: the same head, no body.
    const HttpReply head = m_service.get(kSnapshot, kUser, kPassword, "HEAD");
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("Content-Type"), QByteArray("image/jpeg"));
    QVERIFY(head.header("Content-Length").toInt() > 1000);
    QVERIFY(head.body.isEmpty());
}

void TestSnapshots::snapshotIsTheNewestPicture()
{
    const HttpReply first = m_service.get(kSnapshot, kUser, kPassword);
    const qint64 receivedMs = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(first.status, 200);
    const std::optional<quint64> stamp = timeCode(first.body, kWidth, kHeight);
    QVERIFY2(stamp, "no time code in the snapshot");
    // Captured at most a few frames before it was received (the encode, the machine's load).
    const qint64 age = ageMs(*stamp, receivedMs);
    qInfo("snapshot picture age: %lld ms", age);
    QVERIFY2(age < 500, qPrintable(QString::number(age)));

    QTest::qWait(1000);
    const HttpReply second = m_service.get(kSnapshot, kUser, kPassword);
    QCOMPARE(second.status, 200);
    const std::optional<quint64> later = timeCode(second.body, kWidth, kHeight);
    QVERIFY(later);
    QVERIFY2(*later - *stamp >= 900 && *later - *stamp < 3000, qPrintable(QString::number(*later - *stamp)));
    QVERIFY(second.body != first.body);
}

void TestSnapshots::snapshotParametersAreChecked()
{
    for (const char *bad : {"width=8", "width=1281", "width=abc", "width=", "quality=0", "quality=101"}) {
        const HttpReply r = m_service.get(kSnapshot + QStringLiteral("?") + QLatin1String(bad), kUser, kPassword);
        QVERIFY2(r.status == 400, bad);
        QVERIFY2(r.body.contains("must be a whole number"), r.body.constData());
    }
    QCOMPARE(m_service.get(kSnapshot + QStringLiteral("?width=1280&quality=30"), kUser, kPassword).status, 200);
    QCOMPARE(m_service.get(QStringLiteral("/cam/nope/snapshot.jpg"), kUser, kPassword).status, 404);
    QCOMPARE(m_service.get(kStream + QStringLiteral("?fps=0"), kUser, kPassword).status, 400);
}

void TestSnapshots::mjpegIsReadByFfmpeg()
{
    const QString token = makeToken();
    QVERIFY(!token.isEmpty());
    // FFmpeg's multipart demuxer, from a token URL (no password), as a recorder would.
    QProcess ffmpeg;
    QElapsedTimer clock;
    clock.start();
    ffmpeg.start(QStringLiteral("ffmpeg"),
                 {"-v", "error", "-f", "mpjpeg", "-i",
                  m_service.url(kStream + QStringLiteral("?token=") + token).toString(QUrl::FullyEncoded), "-frames:v",
                  "50", "-f", "framemd5", "-"});
    QVERIFY(ffmpeg.waitForFinished(30000));
    const qint64 tookMs = clock.elapsed();
    QVERIFY2(ffmpeg.exitCode() == 0, ffmpeg.readAllStandardError().constData());
    const QList<QByteArray> lines = ffmpeg.readAllStandardOutput().split('\n');
    int frames = 0;
    QSet<QByteArray> distinct;
    for (const QByteArray &line : lines)
        if (!line.startsWith('#') && line.count(',') >= 5) {
            ++frames;
            distinct.insert(line.split(',').last().trimmed());
        }
    qInfo("ffmpeg read 50 MJPEG frames in %lld ms", tookMs);
    QCOMPARE(frames, 50);
    QVERIFY2(distinct.size() >= 45, qPrintable(QString::number(distinct.size())));  // moving pictures
    // At the camera's rate (2 s), not faster, and not much slower on a loaded machine.
    QVERIFY2(tookMs >= 1500, qPrintable(QString::number(tookMs)));

    // ?fps= lowers the rate: 10 frames at 5 fps take about 2 s.
    clock.restart();
    ffmpeg.start(QStringLiteral("ffmpeg"),
                 {"-v", "error", "-f", "mpjpeg", "-i",
                  m_service.url(kStream + QStringLiteral("?fps=5&token=") + token).toString(QUrl::FullyEncoded),
                  "-frames:v", "10", "-f", "null", "-"});
    QVERIFY(ffmpeg.waitForFinished(30000));
    QCOMPARE(ffmpeg.exitCode(), 0);
    qInfo("10 frames at fps=5 in %lld ms", clock.elapsed());
    QVERIFY2(clock.elapsed() >= 1500, qPrintable(QString::number(clock.elapsed())));
}

void TestSnapshots::aStalledWatcherIsSkippedNotBuffered()
{
    const QByteArray auth = basic(kUser, kPassword);
    Watcher reader(m_service.port(), auth, true);
    QTRY_COMPARE_WITH_TIMEOUT(reader.status(), 200, 10000);
    QVERIFY(reader.head().contains("multipart/x-mixed-replace; boundary=hlscamframe"));
    QTRY_VERIFY_WITH_TIMEOUT(reader.frames() >= 25, 10000);
    const qint64 rssBefore = rssKb(m_service.pid());

    Watcher stalled(m_service.port(), auth, false);
    QTRY_COMPARE_WITH_TIMEOUT(stalled.status(), 200, 10000);
    const int readerFramesBefore = reader.frames();
    const qint64 readerBytesBefore = reader.bytes();
    QElapsedTimer clock;
    clock.start();
    QTest::qWait(10000);
    const int readerFrames = reader.frames() - readerFramesBefore;
    const qint64 readerBytes = reader.bytes() - readerBytesBefore;
    const qint64 rssAfter = rssKb(m_service.pid());
    const double fps = readerFrames * 1000.0 / double(clock.elapsed());
    qInfo("with a stalled watcher: the other got %d frames (%.1f fps, %lld bytes) in 10 s; service RSS %lld -> %lld kB",
          readerFrames, fps, readerBytes, rssBefore, rssAfter);
    // The reader keeps the camera's rate (25 fps; a loaded machine may drop some)...
    QVERIFY2(fps >= kFps * 0.6, qPrintable(QString::number(fps)));
    // ...and the service does not keep what the stalled one does not read: 10 s of frames for it
    // would be about as much as the reader got.
    // (Sending it every frame grew it by 6.6 MB here; skipping, by about 0.1 MB.)
    QVERIFY2(rssAfter - rssBefore < 2048,
             qPrintable(
                 QStringLiteral("%1 kB more, the reader got %2 kB").arg(rssAfter - rssBefore).arg(readerBytes / 1024)));
    QVERIFY(stalled.connected());  // a slow reader is not cut off in 10 s
}

void TestSnapshots::watchersAreLimited()
{
    const QByteArray auth = basic(kUser, kPassword);
    Watcher one(m_service.port(), auth, true);
    Watcher two(m_service.port(), auth, true);
    QTRY_COMPARE_WITH_TIMEOUT(one.status(), 200, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(two.status(), 200, 10000);
    // mjpeg_max_clients = 2: the third is refused.
    const HttpReply third = m_service.get(kStream, kUser, kPassword);
    QCOMPARE(third.status, 503);
    QVERIFY(third.body.contains("too many MJPEG watchers"));
    // Snapshots are not watchers.
    QCOMPARE(m_service.get(kSnapshot, kUser, kPassword).status, 200);
}

void TestSnapshots::aStreamTakesNoFurtherRequests()
{
    // A request sent on a streaming connection is never answered into the stream (it would
    // corrupt it): the stream goes on, and the connection closes when the stream ends.
    Watcher watcher(m_service.port(), basic(kUser, kPassword), true);
    QTRY_COMPARE_WITH_TIMEOUT(watcher.status(), 200, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(watcher.frames() >= 2, 10000);
    watcher.send("GET /cam/cam0/index.m3u8 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic(kUser, kPassword) +
                 "\r\n\r\n");
    const int before = watcher.frames();
    QTRY_VERIFY_WITH_TIMEOUT(watcher.frames() >= before + 25, 10000);
    QVERIFY(!watcher.answerInStream());
    QVERIFY(watcher.connected());
}

void TestSnapshots::accessIsLikeThePlaylist()
{
    // No credentials: a challenge. A wrong password: counted toward a ban, like the playlist's.
    HttpReply r = m_service.get(kSnapshot);
    QCOMPARE(r.status, 401);
    QVERIFY(r.header("WWW-Authenticate").startsWith("Basic"));
    QCOMPARE(m_service.get(kStream).status, 401);
    QCOMPARE(m_service.getFrom(QStringLiteral("127.0.0.7"), kSnapshot, kUser, QStringLiteral("wrong")).status, 401);
    QCOMPARE(m_service.getFrom(QStringLiteral("127.0.0.7"), kStream, kUser, QStringLiteral("wrong")).status, 401);
    QTRY_VERIFY2(m_service.log().contains("authentication failure from 127.0.0.7: wrong-password (2 of"),
                 m_service.log().right(1500).constData());

    // A token opens both; a damaged one is a counted failure.
    const QString token = makeToken();
    QVERIFY(!token.isEmpty());
    r = m_service.get(kSnapshot + QStringLiteral("?width=160&token=") + token);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Content-Type"), QByteArray("image/jpeg"));
    QCOMPARE(m_service.getFrom(QStringLiteral("127.0.0.8"), kSnapshot + QStringLiteral("?token=") + token + 'x').status,
             401);
    QTRY_VERIFY(m_service.log().contains("authentication failure from 127.0.0.8: bad-token (1 of"));
}

void TestSnapshots::countersAreReported()
{
    const HttpReply metrics =
        m_service.get(QStringLiteral("/metrics"), QStringLiteral("admin"), QStringLiteral("admin-pw"));
    QCOMPARE(metrics.status, 200);
    for (const char *name :
         {"hlscam_snapshots_total{camera=\"cam0\"} ", "hlscam_snapshot_bytes_total{camera=\"cam0\"} ",
          "hlscam_mjpeg_clients{camera=\"cam0\"} ", "hlscam_mjpeg_bytes_total{camera=\"cam0\"} "})
        QVERIFY2(metrics.body.contains(name), name);
    const HttpReply status =
        m_service.get(QStringLiteral("/api/v1/status"), QStringLiteral("admin"), QStringLiteral("admin-pw"));
    QCOMPARE(status.status, 200);
    const QJsonObject cam = QJsonDocument::fromJson(status.body)[QStringLiteral("cameras")][0].toObject();
    QVERIFY(cam[QStringLiteral("snapshots")].toInt() >= 5);
    QVERIFY(cam[QStringLiteral("snapshot_bytes")].toInteger() > 10000);
    QVERIFY(cam[QStringLiteral("mjpeg_bytes")].toInteger() > 10000);
    QVERIFY(cam.contains(QStringLiteral("mjpeg_clients")));
}

QTEST_GUILESS_MAIN(TestSnapshots)
#include "tst_snapshots.moc"
