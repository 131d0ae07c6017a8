// Several cameras from one config file: the test pattern, an H.264 file passed through without
// re-encoding, the same file decoded, scaled and encoded again, and a camera that is not there
// (retried in the background, never fatal). Files come through the FFmpeg module.
#include "FfProbe.h"
#include "PlaylistText.h"
#include "ServiceProcess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("pw-cameras");
}  // namespace

class TestCameras : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyConfiguredCameraHasAPlaylist();
    void anH264FileIsPassedThrough();
    void aDecodedFileIsScaledAndEncoded();
    void filesLoadTheFfmpegModule();
    void withoutTheModuleAFileIsAClearError();
    void aMissingCameraIsRetriedNotFatal();
    void aBrokenSourceResumesWithADiscontinuity();

private:
    QTemporaryDir m_dir;
    ServiceProcess m_service;
};

void TestCameras::initTestCase()
{
    // A 2 s H.264 clip with a key frame every 0.5 s, made by the real ffmpeg.
    const QString clip = m_dir.filePath(QStringLiteral("clip.mp4"));
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), {"-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t",
                                            "2", "-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p", clip});
    QVERIFY(ffmpeg.waitForFinished(60000));
    QCOMPARE(ffmpeg.exitCode(), 0);

    QVERIFY(QFile::copy(clip, m_dir.filePath(QStringLiteral("flaky.mp4"))));

    const QString config = m_dir.filePath(QStringLiteral("hlscam.conf"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
                           "[camera.clip]\ndevice = %1\n\n"
                           "[camera.scaled]\ndevice = %1\nencoder = libx264\nwidth = 160\nheight = 90\n\n"
                           "[camera.gone]\ndevice = /dev/video99\n\n"
                           "[camera.flaky]\ndevice = %2\n")
                .arg(clip, m_dir.filePath(QStringLiteral("flaky.mp4")))
                .toUtf8());
    f.close();
    QVERIFY(m_service.addUser(kUser, kPassword));
    // Capture's and FFmpeg's lines at debug level: each attempt to open a camera or file that
    // fails says so, which the retry tests count (the service's warning comes once, not per attempt).
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"),
               QStringLiteral("hlscam.ffmpeg.debug=true;hlscam.capture.debug=true"));
    m_service.setEnvironment(env);
    QVERIFY2(m_service.start(
                 {QStringLiteral("--config"), config, QStringLiteral("--source"), QStringLiteral("testpattern")}),
             m_service.log().constData());
}

void TestCameras::cleanupTestCase() { m_service.stop(); }

void TestCameras::everyConfiguredCameraHasAPlaylist()
{
    for (const QString &cam : {QStringLiteral("cam0"), QStringLiteral("clip")}) {
        const HttpReply r = m_service.get(QStringLiteral("/cam/%1/index.m3u8").arg(cam), kUser, kPassword);
        QVERIFY2(r.status == 200, qPrintable(cam));
        QVERIFY(r.body.contains("#EXTINF:"));
    }
}

void TestCameras::anH264FileIsPassedThrough()
{
    QVERIFY2(m_service.log().contains("clip encoding with copy"), m_service.log().constData());
    QString error;
    const QJsonObject v = m_service.probeVideo(QStringLiteral("/cam/clip/index.m3u8"), kUser, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(codecAndSize(v), QStringLiteral("h264 320x240"));  // the file's own size: nothing was re-encoded
}

void TestCameras::aDecodedFileIsScaledAndEncoded()
{
    QTRY_VERIFY2_WITH_TIMEOUT(m_service.log().contains("scaled encoding with libx264"), m_service.log().constData(),
                              10000);
    QString error;
    const QJsonObject v = m_service.probeVideo(QStringLiteral("/cam/scaled/index.m3u8"), kUser, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(codecAndSize(v), QStringLiteral("h264 160x90"));  // decoded and scaled by the module, encoded by core
}

void TestCameras::filesLoadTheFfmpegModule()
{
    QVERIFY2(m_service.log().contains("loaded the FFmpeg module"), m_service.log().constData());
    QFile maps(QStringLiteral("/proc/%1/maps").arg(m_service.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray mapped = maps.readAll();
    for (const char *library : {"hlscam_ffmpeg.so", "libavformat", "libavcodec"})
        QVERIFY2(mapped.contains(library), library);
}

void TestCameras::withoutTheModuleAFileIsAClearError()
{
    // The binary alone, without hlscam_ffmpeg.so beside it or installed: the file camera says
    // what is missing and is retried; the service runs on.
    const QString lonely = m_dir.filePath(QStringLiteral("alone/hlscam"));
    QVERIFY(QDir().mkpath(QFileInfo(lonely).path()));
    QVERIFY(QFile::copy(QStringLiteral(HLSCAM_BINARY), lonely));
    ServiceProcess service;
    service.setBinary(lonely);
    QVERIFY(service.addUser(kUser, kPassword));
    QVERIFY2(service.start({QStringLiteral("--source"), m_dir.filePath(QStringLiteral("clip.mp4"))}),
             service.log().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(service.log().contains("need the FFmpeg module, which is not installed"),
                              service.log().constData(), 10000);
    QCOMPARE(service.get(QStringLiteral("/healthz")).status, 200);
    QCOMPARE(service.stop(), 0);
}

void TestCameras::aMissingCameraIsRetriedNotFatal()
{
    QCOMPARE(m_service.get(QStringLiteral("/healthz")).status, 200);
    // Once several retries have happened (capture says so at each), the failure is logged once,
    // not once per retry.
    QTRY_VERIFY_WITH_TIMEOUT(m_service.log().count("cannot open /dev/video99: open: No such file") >= 4, 20000);
    QCOMPARE(m_service.get(QStringLiteral("/healthz")).status, 200);
    const QString log = QString::fromUtf8(m_service.log());
    QCOMPARE(log.count(QStringLiteral("gone retrying - /dev/video99")), 1);
    // The other cameras are unaffected.
    QCOMPARE(m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword).status, 200);
}

void TestCameras::aBrokenSourceResumesWithADiscontinuity()
{
    const QString path = m_dir.filePath(QStringLiteral("flaky.mp4"));
    const QString playlist = QStringLiteral("/cam/flaky/index.m3u8");
    QCOMPARE(m_service.get(playlist, kUser, kPassword).status, 200);
    QVERIFY(!m_service.get(playlist, kUser, kPassword).body.contains("#EXT-X-DISCONTINUITY"));

    // Break the source: the file is emptied under the reader's feet.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray content = f.readAll();
    f.close();
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.close();
    QTRY_VERIFY_WITH_TIMEOUT(m_service.log().contains("flaky retrying"), 10000);
    // While it is down, until the backoff has grown to its longest step (250, 500, 1000 ms: four
    // failed opens, each an FFmpeg line), the playlist still answers with what it has.
    const qsizetype failedOpens = m_service.log().count("moov atom not found");
    QTRY_VERIFY_WITH_TIMEOUT(m_service.log().count("moov atom not found") >= failedOpens + 4, 20000);
    QCOMPARE(m_service.get(playlist, kUser, kPassword).status, 200);

    // Mend it: the playlist lists new media after a discontinuity (a part or a segment), and the
    // process never left. The first new picture was captured (its EXT-X-PROGRAM-DATE-TIME, the
    // service's clock) within 1.5 s of the mend: one backoff step of at most 1 s, and the open.
    const qint64 mendedAtMs = QDateTime::currentMSecsSinceEpoch();
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();
    QElapsedTimer mended;
    mended.start();
    static const QRegularExpression resumed(
        QStringLiteral("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:[^\n]*\n#EXT-X-PROGRAM-DATE-TIME:([^\n]*)\n#EXT-X-PART:"));
    QRegularExpressionMatch m;
    QTRY_VERIFY_WITH_TIMEOUT(
        (m = resumed.match(QString::fromUtf8(m_service.get(playlist, kUser, kPassword).body))).hasMatch(), 15000);
    const qint64 reopenedMs = programDateTimeMs(m.captured(1)) - mendedAtMs;
    qInfo("the source came back: first picture captured after %lld ms, listed after %lld ms", reopenedMs,
          mended.elapsed());
    QVERIFY2(reopenedMs >= 0 && reopenedMs <= 1500, qPrintable(QString::number(reopenedMs)));
    QCOMPARE(m_service.get(QStringLiteral("/healthz")).status, 200);
    QString error;
    m_service.probeVideo(playlist, kUser, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCameras)
#include "tst_cameras.moc"
