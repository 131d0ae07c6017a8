// What a board gets: the shipped systemd unit, checked by systemd's own tools (`systemd-analyze
// verify` accepts it, `systemd-analyze security` rates its sandbox: 0 = locked down, 10 = none),
// and a service binary that loads no GUI library.
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestUnitFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void verifyAcceptsIt();
    void sandboxExposureIsLow();
    void serviceBinaryLinksNoGuiLibrary();

private:
    QString run(const QStringList &args, int *exitCode);
    QTemporaryDir m_dir;
    QString m_unit;
};

void TestUnitFile::initTestCase()
{
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("systemd-analyze")).isEmpty(),
             "systemd-analyze is missing (Debian package systemd, which scripts/setup installs)");
    QFile in(QStringLiteral(HLSCAM_SOURCE_DIR "/resources/hlscam.service"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray text = in.readAll();
    // The unit as installed, pointed at the binary just built. Its man page ships with the
    // package, not here: the Documentation= line is left out of this check.
    QVERIFY(text.contains("ExecStart=/usr/bin/hlscam serve"));
    text.replace("ExecStart=/usr/bin/hlscam", "ExecStart=" HLSCAM_BINARY);
    QByteArrayList lines = text.split('\n');
    lines.removeIf([](const QByteArray &l) { return l.startsWith("Documentation="); });
    m_unit = m_dir.filePath(QStringLiteral("hlscam.service"));
    QFile out(m_unit);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(lines.join('\n'));
}

QString TestUnitFile::run(const QStringList &args, int *exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("systemd-analyze"), args);
    p.waitForFinished(60000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAll());
}

void TestUnitFile::verifyAcceptsIt()
{
    int code = 0;
    const QString out = run({QStringLiteral("verify"), m_unit}, &code);
    QVERIFY2(code == 0, qPrintable(out));
    QVERIFY2(!out.contains(QLatin1String("Unknown key")) && !out.contains(QLatin1String("Failed to parse")),
             qPrintable(out));
}

void TestUnitFile::sandboxExposureIsLow()
{
    int code = 0;
    const QString out = run({QStringLiteral("security"), QStringLiteral("--offline=yes"), m_unit}, &code);
    static const QRegularExpression level(QStringLiteral("Overall exposure level for hlscam.service: ([0-9.]+)"));
    const QRegularExpressionMatch m = level.match(out);
    QVERIFY2(m.hasMatch(), qPrintable(out));
    qInfo("systemd-analyze security: exposure %s", qPrintable(m.captured(1)));
    QVERIFY2(m.captured(1).toDouble() <= 2.0, qPrintable(out));
}

void TestUnitFile::serviceBinaryLinksNoGuiLibrary()
{
    // Also in a build with the desktop app: that is hlscam-desktop, a program of its own.
    QProcess ldd;
    ldd.start(QStringLiteral("ldd"), {QStringLiteral(HLSCAM_BINARY)});
    QVERIFY(ldd.waitForFinished(30000));
    const QString libraries = QString::fromUtf8(ldd.readAllStandardOutput());
    QVERIFY2(libraries.contains(QLatin1String("libQt6Core")), qPrintable(libraries));
    for (const char *gui :
         {"libQt6Gui", "libQt6Quick", "libQt6Qml", "libQt6Multimedia", "libQt6Widgets", "libQt6OpenGL"})
        QVERIFY2(!libraries.contains(QLatin1String(gui)), gui);
    // Nor any FFmpeg library (and their dependency tree: x265, rsvg, gnutls, SDL...): they come
    // with the FFmpeg module, loaded only for cameras, files and hardware encoders.
    for (const char *ffmpeg : {"libavcodec", "libavformat", "libavutil", "libswscale", "libavfilter", "libavdevice"})
        QVERIFY2(!libraries.contains(QLatin1String(ffmpeg)), qPrintable(libraries));
}

QTEST_GUILESS_MAIN(TestUnitFile)
#include "tst_unitfile.moc"
