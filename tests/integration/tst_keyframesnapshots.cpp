// Snapshots of a camera whose H.264 is passed through (encoder copy), from the real binary on an
// `exec:` camera (ffmpeg writing H.264 of a solid colour, a key frame every second): the newest
// key frame is decoded when a snapshot asks, at the stream's size and scaled, in the right
// colour; FFmpeg's libraries are loaded only then; the MJPEG stream sends each key frame once.
// Also an MP4 file passed through (SPS/PPS out of band as avcC, length-prefixed packets).
#include "FfProbe.h"
#include "JpegPixels.h"
#include "ServiceProcess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QTcpSocket>
#include <QTimeZone>
#include <QtTest>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("pw-keyframes");
const QString kSnapshot = QStringLiteral("/cam/cam0/snapshot.jpg");
constexpr int kWidth = 320;
constexpr int kHeight = 240;
constexpr int kFps = 20;
// The colour ffmpeg draws (R, G, B).
constexpr int kRed = 0x40;
constexpr int kGreen = 0x80;
constexpr int kBlue = 0xc0;

QString ffmpegCommand()
{
    return QStringLiteral(
               "ffmpeg -hide_banner -nostats -loglevel error -re -f lavfi -i "
               "'color=c=0x%1%2%3:size=%4x%5:rate=%6' -c:v libx264 -preset ultrafast -tune zerolatency "
               "-pix_fmt yuv420p -g %6 -f h264 -")
        .arg(kRed, 2, 16, QLatin1Char('0'))
        .arg(kGreen, 2, 16, QLatin1Char('0'))
        .arg(kBlue, 2, 16, QLatin1Char('0'))
        .arg(kWidth)
        .arg(kHeight)
        .arg(kFps);
}

// The JPEG's average colour, as ffmpeg decodes it (scaled to one pixel), or empty.
QList<int> averageColour(const QByteArray &jpeg)
{
    const QByteArray rgb = jpegPixels(jpeg, QStringLiteral("rgb24"), QStringLiteral("scale=1:1:flags=area"));
    if (rgb.size() != 3)
        return {};
    return {quint8(rgb[0]), quint8(rgb[1]), quint8(rgb[2])};
}

bool mapsLibavcodec(qint64 pid)
{
    QFile maps(QStringLiteral("/proc/%1/maps").arg(pid));
    return maps.open(QIODevice::ReadOnly) && maps.readAll().contains("libavcodec");
}
}  // namespace

class TestKeyFrameSnapshots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void snapshotIsTheNewestKeyFrameDecoded();
    void mjpegSendsEachKeyFrameOnce();
    void aPassedThroughFileHasSnapshots();

private:
    ServiceProcess m_service;
};

void TestKeyFrameSnapshots::initTestCase()
{
    QVERIFY(m_service.addUser(kUser, kPassword));
    QVERIFY(m_service.addUser(QStringLiteral("admin"), QStringLiteral("admin-pw"), QStringLiteral("admin")));
    QVERIFY2(m_service.start({QStringLiteral("--source"), QStringLiteral("exec:") + ffmpegCommand()}),
             m_service.log().constData());
    // Streaming once its playlist answers.
    QTRY_COMPARE_WITH_TIMEOUT(m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword).status, 200,
                              30000);
    const HttpReply status =
        m_service.get(QStringLiteral("/api/v1/status"), QStringLiteral("admin"), QStringLiteral("admin-pw"));
    const QJsonObject camera =
        QJsonDocument::fromJson(status.body).object()[QStringLiteral("cameras")].toArray().first().toObject();
    QCOMPARE(camera[QStringLiteral("encoder_in_use")].toString(), QStringLiteral("copy"));
}

void TestKeyFrameSnapshots::cleanupTestCase() { m_service.stop(); }

void TestKeyFrameSnapshots::snapshotIsTheNewestKeyFrameDecoded()
{
    // A camera that passes its H.264 through needs no FFmpeg until a snapshot asks.
    QVERIFY2(!mapsLibavcodec(m_service.pid()), "libavcodec loaded before any snapshot was asked for");

    const HttpReply full = m_service.get(kSnapshot, kUser, kPassword);
    QVERIFY2(full.status == 200, full.body.constData());
    QCOMPARE(full.header("Content-Type"), QByteArray("image/jpeg"));
    QVERIFY(mapsLibavcodec(m_service.pid()));
    QCOMPARE(probePicture(full.body), QStringLiteral("mjpeg %1x%2").arg(kWidth).arg(kHeight));

    // The picture itself: ffmpeg's colour, through H.264, our decoder and our JPEG encoder (the
    // limited-range YUV conversions on the way move it a few steps; grey would be 128 128 128).
    const QList<int> colour = averageColour(full.body);
    QCOMPARE(colour.size(), 3);
    qInfo("average colour %d %d %d", colour[0], colour[1], colour[2]);
    QVERIFY2(qAbs(colour[0] - kRed) <= 16 && qAbs(colour[1] - kGreen) <= 16 && qAbs(colour[2] - kBlue) <= 16,
             qPrintable(QStringLiteral("%1 %2 %3").arg(colour[0]).arg(colour[1]).arg(colour[2])));

    // The newest key frame: one a second, so captured at most about a second before now
    // (Last-Modified has whole seconds).
    QDateTime captured = QLocale::c().toDateTime(QString::fromLatin1(full.header("Last-Modified")),
                                                 QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    QVERIFY2(captured.isValid(), full.header("Last-Modified").constData());
    captured.setTimeZone(QTimeZone::utc());
    const qint64 ageS = captured.secsTo(QDateTime::currentDateTimeUtc());
    QVERIFY2(ageS >= 0 && ageS <= 3, qPrintable(QString::number(ageS)));

    // Scaled down, the aspect kept.
    const HttpReply small = m_service.get(kSnapshot + QStringLiteral("?width=160"), kUser, kPassword);
    QCOMPARE(small.status, 200);
    QCOMPARE(probePicture(small.body), QStringLiteral("mjpeg 160x120"));

    // Later key frames are decoded too (the decoder is reused, not stuck on the first).
    QTest::qWait(2200);
    const HttpReply later = m_service.get(kSnapshot, kUser, kPassword);
    QCOMPARE(later.status, 200);
    QVERIFY2(later.header("Last-Modified") != full.header("Last-Modified"), later.header("Last-Modified").constData());
    QCOMPARE(averageColour(later.body).size(), 3);
}

void TestKeyFrameSnapshots::mjpegSendsEachKeyFrameOnce()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_service.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /cam/cam0/stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                 (kUser + u':' + kPassword).toUtf8().toBase64() + "\r\n\r\n");
    QByteArray received;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 3500 && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(200);
        received += socket.readAll();
    }
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(200).constData());
    // About 3.5 key frames in 3.5 s (one at once, then one a second), not 70 frames at 20 fps.
    const qsizetype parts = received.count("\r\nContent-Type: image/jpeg\r\n");
    qInfo("%lld MJPEG parts in 3.5 s", qint64(parts));
    QVERIFY2(parts >= 2 && parts <= 6, qPrintable(QString::number(parts)));
}

void TestKeyFrameSnapshots::aPassedThroughFileHasSnapshots()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("testsrc.mp4"));
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"),
                 {"-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=352x288:rate=25", "-t", "3", "-c:v",
                  "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", file});
    QVERIFY(ffmpeg.waitForFinished(60000));
    QCOMPARE(ffmpeg.exitCode(), 0);

    ServiceProcess service;
    QVERIFY(service.addUser(kUser, kPassword));
    QStringList args = service.configArgs("[camera.cam0]\nencoder = copy\n");
    QVERIFY2(service.start(args << QStringLiteral("--source") << file), service.log().constData());
    QTRY_COMPARE_WITH_TIMEOUT(service.get(kSnapshot, kUser, kPassword).status, 200, 30000);
    const HttpReply snapshot = service.get(kSnapshot, kUser, kPassword);
    QCOMPARE(snapshot.status, 200);
    QCOMPARE(probePicture(snapshot.body), QStringLiteral("mjpeg 352x288"));
    QVERIFY2(service.log().contains("encoding with copy"), service.log().constData());
}

QTEST_GUILESS_MAIN(TestKeyFrameSnapshots)
#include "tst_keyframesnapshots.moc"
