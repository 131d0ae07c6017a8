// How a camera's command is read and allowed: exec: commands split like a shell splits words
// (with no shell), programs found on PATH, the arguments rpicam-vid gets, the config's errors
// with their line, and the API's device policy (rpicam yes, exec: never, no relative paths).
#include "capture/CommandLine.h"
#include "capture/CommandSource.h"
#include "config/ConfigLoader.h"
#include "config/DevicePolicy.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace hlscam;

class TestCommandLine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splits_data();
    void splits();
    void findsPrograms();
    void rpicamArguments();
    void configDevices_data();
    void configDevices();
    void apiDevices();
};

void TestCommandLine::splits_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("words");  // empty: an error containing `error`
    QTest::addColumn<QString>("error");
    QTest::newRow("plain") << "ffmpeg -i x -f h264 -" << QStringList{"ffmpeg", "-i", "x", "-f", "h264", "-"} << "";
    QTest::newRow("blanks and tabs") << "  a \t b  " << QStringList{"a", "b"} << "";
    QTest::newRow("single quotes keep all")
        << R"(sh -c 'a | b "c" \d')" << QStringList{"sh", "-c", R"(a | b "c" \d)"} << "";
    QTest::newRow("double quotes keep \\\" and \\\\")
        << R"(echo "a \"b\" \\ \n $HOME")" << QStringList{"echo", R"(a "b" \ \n $HOME)"} << "";
    QTest::newRow("backslash outside quotes") << R"(a b\ c \' \|)" << QStringList{"a", "b c", "'", "|"} << "";
    QTest::newRow("quotes join a word") << R"(-i 'test'src"=x")" << QStringList{"-i", "testsrc=x"} << "";
    QTest::newRow("empty quotes are a word") << "a '' b" << QStringList{"a", "", "b"} << "";
    QTest::newRow("nothing expands") << "ls ~ $HOME * `id`" << QStringList{"ls", "~", "$HOME", "*", "`id`"} << "";
    QTest::newRow("quoted operator is literal") << "a '|' \">\"" << QStringList{"a", "|", ">"} << "";
    QTest::newRow("unclosed '") << "sh -c 'a" << QStringList{} << "' is not closed";
    QTest::newRow("unclosed \"") << "sh -c \"a" << QStringList{} << "\" is not closed";
    QTest::newRow("trailing backslash") << "a \\" << QStringList{} << "ends with a \\";
    QTest::newRow("empty") << "   " << QStringList{} << "empty";
    QTest::newRow("pipe") << "ffmpeg -f h264 - | cat" << QStringList{} << "shell operator";
    QTest::newRow("redirection") << "ffmpeg 2> log" << QStringList{} << "shell operator";
    QTest::newRow("sequence") << "a ; b" << QStringList{} << "shell operator";
}

void TestCommandLine::splits()
{
    QFETCH(QString, command);
    QFETCH(QStringList, words);
    QFETCH(QString, error);
    const Result<QStringList> got = splitCommand(command);
    if (error.isEmpty()) {
        QVERIFY2(got.ok(), qPrintable(got.error().message));
        QCOMPARE(got.value(), words);
    } else {
        QVERIFY(!got.ok());
        QVERIFY2(got.error().message.contains(error), qPrintable(got.error().message));
    }
}

void TestCommandLine::findsPrograms()
{
    QTemporaryDir dir;
    const QString bin = dir.filePath(QStringLiteral("bin"));
    QVERIFY(QDir().mkpath(bin));
    QFile tool(bin + QStringLiteral("/tool"));
    QVERIFY(tool.open(QIODevice::WriteOnly));
    tool.write("#!/bin/sh\n");
    tool.close();
    QFile plain(bin + QStringLiteral("/plain"));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    QVERIFY(tool.setPermissions(QFile::ReadOwner | QFile::ExeOwner));

    QCOMPARE(findProgram(QStringLiteral("tool"), QStringLiteral("/nonexistent:") + bin), bin + QStringLiteral("/tool"));
    QCOMPARE(findProgram(QStringLiteral("plain"), bin), QString());  // not executable
    QCOMPARE(findProgram(QStringLiteral("tool"), QStringLiteral(".:relative")), QString());
    QCOMPARE(findProgram(bin + QStringLiteral("/tool"), QString()), bin + QStringLiteral("/tool"));
    QCOMPARE(findProgram(QStringLiteral("bin/tool"), bin), QString());  // a relative path is nobody's guess
}

void TestCommandLine::rpicamArguments()
{
    CameraSettings camera;
    camera.width = 1280;
    camera.height = 720;
    camera.fps = 30;
    camera.bitrateKbps = 2500;
    const QStringList args = CommandSource::rpicamArguments(camera, 30, true);
    const auto value = [&](const char *option) {
        const qsizetype at = args.indexOf(QLatin1String(option));
        return at >= 0 && at + 1 < args.size() ? args[at + 1] : QString();
    };
    QCOMPARE(value("-t"), QStringLiteral("0"));
    QCOMPARE(value("--width"), QStringLiteral("1280"));
    QCOMPARE(value("--height"), QStringLiteral("720"));
    QCOMPARE(value("--framerate"), QStringLiteral("30"));
    QCOMPARE(value("--bitrate"), QStringLiteral("2500000"));  // bits per second
    QCOMPARE(value("--intra"), QStringLiteral("30"));
    QCOMPARE(value("--codec"), QStringLiteral("h264"));
    QCOMPARE(value("-o"), QStringLiteral("-"));
    QCOMPARE(value("--profile"), QStringLiteral("high"));
    for (const char *flag : {"--inline", "--flush", "--nopreview"})
        QVERIFY2(args.contains(QLatin1String(flag)), flag);
    // Software encoding (Pi 5): baseline, which has no B-frames.
    QCOMPARE(CommandSource::rpicamArguments(camera, 30, false).join(u' ').contains(QLatin1String("--profile baseline")),
             true);
}

void TestCommandLine::configDevices_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("device");  // empty: an error containing `error`
    QTest::addColumn<QString>("error");
    QTest::newRow("rpicam") << QByteArray("[camera.cam0]\ndevice = rpicam\n") << "rpicam"
                            << "";
    QTest::newRow("exec") << QByteArray("[camera.cam0]\ndevice = exec:ffmpeg -i 'a b' -f h264 -\n")
                          << "exec:ffmpeg -i 'a b' -f h264 -"
                          << "";
    QTest::newRow("exec with an absolute program")
        << QByteArray("[camera.cam0]\ndevice = exec:/usr/bin/ffmpeg -\n") << "exec:/usr/bin/ffmpeg -"
        << "";
    QTest::newRow("exec, unclosed quote") << QByteArray("[camera.cam0]\n\ndevice = exec:sh -c 'x\n") << ""
                                          << "hlscam.conf:3: [camera.cam0] device: 'exec:sh -c 'x' is not a command: "
                                             "a ' is not closed";
    QTest::newRow("exec, pipe") << QByteArray("[camera.cam0]\ndevice = exec:a | b\n") << ""
                                << "shell operator";
    QTest::newRow("exec, empty") << QByteArray("[camera.cam0]\ndevice = exec:\n") << ""
                                 << "the command is empty";
    QTest::newRow("exec, relative program") << QByteArray("[camera.cam0]\ndevice = exec:bin/cam\n") << ""
                                            << "must be an absolute path";
    QTest::newRow("rpicam with an encoder")
        << QByteArray("[camera.cam0]\ndevice = rpicam\nencoder = libx264\n") << ""
        << "hlscam.conf:3: [camera.cam0] encoder: 'libx264': device rpicam gives H.264, which is passed through";
    QTest::newRow("rpicam with copy") << QByteArray("[camera.cam0]\ndevice = rpicam\nencoder = copy\n") << "rpicam"
                                      << "";
    QTest::newRow("a word that is not a device")
        << QByteArray("[camera.cam0]\ndevice = picam\n") << ""
        << "allowed: auto, testpattern, /dev/videoN, /dev/v4l/by-id/... or by-path/..., rpicam";
}

void TestCommandLine::configDevices()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, device);
    QFETCH(QString, error);
    const ConfigResult r = parseConfig(text, QStringLiteral("hlscam.conf"));
    if (error.isEmpty()) {
        QVERIFY2(r.ok(), qPrintable(r.error->toString()));
        QCOMPARE(r.settings.cameras.first().device, device);
    } else {
        QVERIFY(!r.ok());
        QVERIFY2(r.error->toString().contains(error), qPrintable(r.error->toString()));
    }
    // --source takes the same words.
    if (error.isEmpty()) {
        Settings settings;
        QCOMPARE(applySource(device, settings).message, QString());
        QCOMPARE(settings.cameras.first().device, device);
    }
}

void TestCommandLine::apiDevices()
{
    QTemporaryDir dir;
    const QString media = dir.filePath(QStringLiteral("media"));
    QVERIFY(QDir().mkpath(media));
    QFile trap(media + QStringLiteral("/exec:touch pwned"));
    QVERIFY(trap.open(QIODevice::WriteOnly));
    trap.close();
    QFile clip(media + QStringLiteral("/clip.mp4"));
    QVERIFY(clip.open(QIODevice::WriteOnly));
    clip.close();
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(media));  // relative paths would resolve inside media_dir

    QVERIFY(!refuseApiDevice(QStringLiteral("rpicam"), media));
    QVERIFY(!refuseApiDevice(media + QStringLiteral("/clip.mp4"), media));
    QVERIFY(refuseApiDevice(QStringLiteral("exec:touch pwned"), media)
                .message.contains(QLatin1String("configuration file")));
    QVERIFY(refuseApiDevice(QStringLiteral("exec:/usr/bin/ffmpeg -f h264 -"), media)
                .message.contains(QLatin1String("configuration file")));
    QVERIFY(refuseApiDevice(QStringLiteral("clip.mp4"), media));
    QVERIFY(refuseApiDevice(QStringLiteral("./clip.mp4"), media));
    QVERIFY(QDir::setCurrent(before));
}

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
