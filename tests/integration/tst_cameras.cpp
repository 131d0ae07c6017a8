// Several cameras from one config file: the test pattern, an H.264 file passed through without
// re-encoding, and a camera that is not there (retried in the background, never fatal).
#include "ServiceProcess.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>

namespace {
const QString kUser = QStringLiteral("viewer");
const QString kPassword = QStringLiteral("pw-cameras");
}

class TestCameras : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyConfiguredCameraHasAPlaylist();
    void anH264FileIsPassedThrough();
    void aMissingCameraIsRetriedNotFatal();

private:
    QTemporaryDir m_dir;
    ServiceProcess m_service;
};

void TestCameras::initTestCase()
{
    // A 2 s H.264 clip with a key frame every 0.5 s, made by the real ffmpeg.
    const QString clip = m_dir.filePath(QStringLiteral("clip.mp4"));
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), {"-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                                            "-t", "2", "-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p", clip});
    QVERIFY(ffmpeg.waitForFinished(60000));
    QCOMPARE(ffmpeg.exitCode(), 0);

    const QString config = m_dir.filePath(QStringLiteral("hlscam.conf"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QStringLiteral("[camera.cam0]\ndevice = testpattern\nwidth = 320\nheight = 180\n\n"
                           "[camera.clip]\ndevice = %1\n\n"
                           "[camera.gone]\ndevice = /dev/video99\n")
                .arg(clip)
                .toUtf8());
    f.close();
    QVERIFY(m_service.addUser(kUser, kPassword));
    QVERIFY2(m_service.start({QStringLiteral("--config"), config, QStringLiteral("--source"), QStringLiteral("testpattern")}),
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
    QCOMPARE(v["codec_name"].toString(), QStringLiteral("h264"));
    QCOMPARE(v["width"].toInt(), 320);  // the file's own size: nothing was re-encoded
    QCOMPARE(v["height"].toInt(), 240);
}

void TestCameras::aMissingCameraIsRetriedNotFatal()
{
    QCOMPARE(m_service.get(QStringLiteral("/healthz")).status, 200);
    // Several retries have happened by now; the failure is logged once, not once per retry.
    QTest::qWait(2000);
    m_service.get(QStringLiteral("/healthz"));
    const QString log = QString::fromUtf8(m_service.log());
    QCOMPARE(log.count(QStringLiteral("gone retrying - /dev/video99")), 1);
    // The other cameras are unaffected.
    QCOMPARE(m_service.get(QStringLiteral("/cam/cam0/index.m3u8"), kUser, kPassword).status, 200);
}

QTEST_GUILESS_MAIN(TestCameras)
#include "tst_cameras.moc"
