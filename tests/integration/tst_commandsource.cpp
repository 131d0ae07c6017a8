// Cameras that are programs, against the real binary: `device = rpicam` runs a stand-in
// rpicam-vid (tests/integration/standin, first on PATH) that checks its arguments and writes
// H.264 from ffmpeg, and `exec:` runs ffmpeg itself; ffprobe reads the LL-HLS stream at the
// configured size. A program killed from outside is logged and started again; stopping or
// reconfiguring the service leaves no process of the program's group behind; a program that
// writes garbage, exits or stalls is a named fault, never a crash; and exec: cannot be set
// through the admin API.
#include "FfProbe.h"
#include "ServiceProcess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

#include <csignal>

namespace {
const QString kAdmin = QStringLiteral("admin");
const QString kPassword = QStringLiteral("admin-pw");
const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");

QProcessEnvironment withStandIn()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"),
               QStringLiteral(HLSCAM_SOURCE_DIR "/tests/integration/standin:") + env.value(QStringLiteral("PATH")));
    return env;
}

QJsonObject firstCamera(ServiceProcess &service)
{
    const HttpReply r = service.get(QStringLiteral("/api/v1/status"), kAdmin, kPassword);
    return QJsonDocument::fromJson(r.body).object()[QStringLiteral("cameras")].toArray().first().toObject();
}

// The PIDs of the camera programs the service started, in order, from its log.
QList<qint64> startedPids(ServiceProcess &service)
{
    static const QRegularExpression started(QStringLiteral("cam0 started \\S+ .*\\(pid (\\d+)\\)"));
    QList<qint64> pids;
    for (auto it = started.globalMatch(QString::fromUtf8(service.log())); it.hasNext();)
        pids << it.next().captured(1).toLongLong();
    return pids;
}

bool processExists(qint64 pid) { return QFile::exists(QStringLiteral("/proc/%1").arg(pid)); }

// The processes of process group `group` (a leader and what it started), read from /proc.
QList<qint64> groupMembers(qint64 group)
{
    QList<qint64> members;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!number || !stat.open(QIODevice::ReadOnly))
            continue;
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields[2].toLongLong() == group)
            members << pid;
    }
    return members;
}

QString ffmpegCommand(const QString &size, int fps)
{
    return QStringLiteral(
               "ffmpeg -hide_banner -nostats -loglevel error -re -f lavfi -i 'testsrc=size=%1:rate=%2' "
               "-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -g %2 -f h264 -")
        .arg(size)
        .arg(fps);
}
}  // namespace

class TestCommandSource : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rpicamStreamsAtTheConfiguredSize();
    void execStreams();
    void killedProgramIsLoggedAndStartedAgain();
    void stopAndReconfigureLeaveNoProcess();
    void aKilledServiceTakesItsProgramAlong();
    void failuresAreNamed_data();
    void failuresAreNamed();
    void execIsRefusedThroughTheApi();
};

void TestCommandSource::rpicamStreamsAtTheConfiguredSize()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    service.setEnvironment(withStandIn());
    QStringList args = service.configArgs("[camera.cam0]\nwidth = 320\nheight = 240\nfps = 15\nbitrate = 300\n");
    QVERIFY2(service.start(args << QStringLiteral("--source") << QStringLiteral("rpicam")), service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("state")].toString() == QLatin1String("streaming"),
                             20000);
    QString error;
    const QJsonObject video = service.probeVideo(kPlaylist, kAdmin, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error + u'\n' + QString::fromUtf8(service.log())));
    QCOMPARE(codecAndSize(video), QStringLiteral("h264 320x240"));
    // What the stand-in understood of its arguments, in the log as its standard error: the
    // bitrate in bits per second, a key frame every segment (1 s at 15 fps).
    QVERIFY2(service.log().contains("rpicam-vid: rpicam-vid stand-in: 320x240@15 300000 b/s, key frame every 15"),
             service.log().constData());
    QCOMPARE(firstCamera(service)[QStringLiteral("encoder_in_use")].toString(), QStringLiteral("copy"));
}

void TestCommandSource::execStreams()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QVERIFY2(service.start({QStringLiteral("--source"), QStringLiteral("exec:") + ffmpegCommand("256x144", 20)}),
             service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("state")].toString() == QLatin1String("streaming"),
                             20000);
    QString error;
    const QJsonObject video = service.probeVideo(kPlaylist, kAdmin, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(video[QStringLiteral("width")].toInt(), 256);
    QCOMPARE(video[QStringLiteral("height")].toInt(), 144);
    QVERIFY(firstCamera(service)[QStringLiteral("source")].toString().startsWith(QLatin1String("exec:ffmpeg")));
}

void TestCommandSource::killedProgramIsLoggedAndStartedAgain()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    service.setEnvironment(withStandIn());
    QVERIFY2(service.start({QStringLiteral("--source"), QStringLiteral("rpicam")}), service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("state")].toString() == QLatin1String("streaming"),
                             20000);
    QCOMPARE(startedPids(service).size(), 1);
    const qint64 first = startedPids(service).first();
    QVERIFY(processExists(first));
    QCOMPARE(::kill(pid_t(first), SIGKILL), 0);  // the camera program, which the test found by its PID

    const QByteArray ended = QStringLiteral("(pid %1) was ended by signal 9").arg(first).toUtf8();
    QTRY_VERIFY2_WITH_TIMEOUT(service.log().contains(ended), service.log().constData(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!processExists(first), 5000);  // reaped: no zombie
    QTRY_VERIFY_WITH_TIMEOUT(startedPids(service).size() == 2, 10000);
    QVERIFY(startedPids(service).last() != first);
    const qint64 framesBefore = firstCamera(service)[QStringLiteral("frames")].toInteger();
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("state")].toString() == QLatin1String("streaming") &&
                                 firstCamera(service)[QStringLiteral("frames")].toInteger() > framesBefore + 10,
                             20000);
    QString error;
    service.probeVideo(kPlaylist, kAdmin, kPassword, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(service.get(QStringLiteral("/healthz")).status, 200);
}

void TestCommandSource::stopAndReconfigureLeaveNoProcess()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    // A shell with a pipeline: ending the shell alone would leave ffmpeg and cat running.
    const QString command = QStringLiteral("exec:sh -c \"%1 | cat\"").arg(ffmpegCommand("160x120", 10));
    QVERIFY2(service.start({QStringLiteral("--source"), command}), service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("state")].toString() == QLatin1String("streaming"),
                             20000);
    const qint64 leader = startedPids(service).first();
    QTRY_VERIFY_WITH_TIMEOUT(groupMembers(leader).size() >= 3, 5000);  // sh, ffmpeg, cat
    const QList<qint64> before = groupMembers(leader);

    // Reconfigured through the API: the old group is gone, a new one streams.
    const HttpReply put = service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword, "PUT",
                                      QByteArrayLiteral("{\"bitrate\":500}"));
    QCOMPARE(put.status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(startedPids(service).size() == 2, 10000);
    for (const qint64 pid : before)
        QVERIFY2(!processExists(pid), qPrintable(QStringLiteral("pid %1 outlived the reconfiguration").arg(pid)));
    const qint64 second = startedPids(service).last();
    QTRY_VERIFY_WITH_TIMEOUT(groupMembers(second).size() >= 3, 10000);
    const QList<qint64> running = groupMembers(second);

    QCOMPARE(service.stop(), 0);
    for (const qint64 pid : running)
        QVERIFY2(!processExists(pid), qPrintable(QStringLiteral("pid %1 outlived the service").arg(pid)));
}

void TestCommandSource::aKilledServiceTakesItsProgramAlong()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    // A program that writes nothing (a camera still starting): no broken pipe would end it.
    QVERIFY2(service.start({QStringLiteral("--source"), QStringLiteral("exec:sleep 120")}), service.log().constData());
    QTRY_VERIFY_WITH_TIMEOUT(startedPids(service).size() == 1, 10000);
    const qint64 program = startedPids(service).first();
    QVERIFY(processExists(program));
    // No chance to clean up: the kernel ends the program (PR_SET_PDEATHSIG), which would else
    // hold the camera and keep the next service from opening it.
    QCOMPARE(::kill(pid_t(service.pid()), SIGKILL), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!processExists(program), 5000);
}

void TestCommandSource::failuresAreNamed_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("standIn");
    QTest::addColumn<QString>("fault");
    QTest::addColumn<QString>("error");
    QTest::newRow("garbage") << "exec:head -c 50000000 /dev/urandom" << false << "unsupported-format"
                             << "this is not an H.264";
    QTest::newRow("text with start codes")
        << "exec:sh -c 'while :; do printf \"\\0\\0\\1\\377junk\"; done'" << false << "unsupported-format"
        << "forbidden bit set";
    QTest::newRow("exits at once") << "exec:sh -c 'echo no camera here >&2; exit 3'" << false << "io"
                                   << "sh exited with status 3: no camera here";
    QTest::newRow("stalls") << QStringLiteral("exec:sh -c \"%1; sleep 30\"")
                                   .arg(ffmpegCommand("160x120", 10).replace("-f h264", "-frames:v 20 -f h264"))
                            << false << "stalled"
                            << "wrote no picture for 5 s";
    QTest::newRow("no such program") << "exec:hlscam-no-such-program --flag" << false << "no-device"
                                     << "hlscam-no-such-program is not installed";
    QTest::newRow("rpicam-vid not installed") << "rpicam" << false << "no-device"
                                              << "rpicam-vid or libcamera-vid is not installed";
    QTest::newRow("B-frames") << "exec:" + ffmpegCommand("160x120", 10).replace("-tune zerolatency", "-bf 2") << false
                              << "unsupported-format"
                              << "the stream has B-frames";
}

void TestCommandSource::failuresAreNamed()
{
    QFETCH(QString, source);
    QFETCH(bool, standIn);
    QFETCH(QString, fault);
    QFETCH(QString, error);
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!standIn)  // no rpicam-vid of this machine's own either
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
    service.setEnvironment(env);
    QVERIFY2(service.start({QStringLiteral("--source"), source}), service.log().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(firstCamera(service)[QStringLiteral("fault")].toString() == fault,
                              service.log().constData(), 20000);
    const QJsonObject camera = firstCamera(service);
    QVERIFY2(camera[QStringLiteral("last_error")].toString().contains(error),
             qPrintable(camera[QStringLiteral("last_error")].toString()));
    QCOMPARE(camera[QStringLiteral("state")].toString(), QStringLiteral("retrying"));
    QCOMPARE(service.get(QStringLiteral("/healthz")).status, 200);  // still serving, never crashed
    for (const qint64 pid : startedPids(service)) {                 // each one was reaped or is the current one
        if (pid != startedPids(service).last())
            QTRY_VERIFY_WITH_TIMEOUT(!processExists(pid), 5000);
    }
    QCOMPARE(service.stop(), 0);
}

void TestCommandSource::execIsRefusedThroughTheApi()
{
    ServiceProcess service;
    QVERIFY(service.addUser(kAdmin, kPassword, QStringLiteral("admin")));
    const QString media = service.stateDir() + QStringLiteral("/media");
    QVERIFY(QDir().mkpath(media));
    // A media file whose name reads as a command, and the service working in media_dir: a
    // relative path is the only way the path check could have let it through.
    const QString trap = QStringLiteral("exec:touch pwned");
    QFile file(media + u'/' + trap);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    service.setWorkingDirectory(media);
    QVERIFY(service.start(service.configArgs("[paths]\nmedia_dir = " + media.toUtf8() + "\n")));
    const auto put = [&](const QString &device) {
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("device"), device}}).toJson(QJsonDocument::Compact);
        return service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword, "PUT", body);
    };
    for (const QString &device : {trap, QStringLiteral("exec:/bin/touch ") + media + QStringLiteral("/pwned")}) {
        const HttpReply r = put(device);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("only be set in the configuration file"), r.body.constData());
    }
    QVERIFY(!QFile::exists(media + QStringLiteral("/pwned")));
    QVERIFY(!service.log().contains("started /"));  // no camera program was run
    const HttpReply camera = service.get(QStringLiteral("/api/v1/cameras/cam0"), kAdmin, kPassword);
    QVERIFY2(camera.body.contains("\"device\":\"testpattern\""), camera.body.constData());
    // A relative media path is refused too (it named a file of the working directory).
    QCOMPARE(put(QStringLiteral("clip.mp4")).status, 400);
}

QTEST_GUILESS_MAIN(TestCommandSource)
#include "tst_commandsource.moc"
