// The Debian package a board owner installs: built with cpack from this build, read back with
// dpkg-deb (control fields, conffiles, maintainer scripts, files), passed through lintian, and
// the packaged binary started on the packaged default config. (Installing it for real, with its
// maintainer scripts, needs a whole Debian root: scripts/install-test does that.)
#include "ServiceProcess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

class TestPackage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void controlFieldsAndDependencies();
    void conffilesAreTheShippedDefaults();
    void filesWhereDebianWantsThem();
    void binaryIsStrippedAndHardened();
    void maintainerScriptsParse();
    void lintianFindsNothing();
    void packagedBinaryServesOnPackagedConfig();
    void packagedModuleReadsAFile();

private:
    void checkStrippedAndHardened(const QString &binary);
    // Runs a program to completion; stdout and stderr merged.
    QByteArray run(const QString &program, const QStringList &args, int *exitCode = nullptr);
    QTemporaryDir m_dir;
    QString m_deb;
    QString m_root;     // the package's files, extracted
    QString m_control;  // its control files
};

QByteArray TestPackage::run(const QString &program, const QStringList &args, int *exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    p.waitForFinished(180000);
    if (exitCode)
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAll();
}

void TestPackage::initTestCase()
{
    for (const char *tool : {"cpack", "dpkg-deb", "lintian", "readelf"})
        QVERIFY2(!QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty(),
                 qPrintable(QStringLiteral("%1 is missing (scripts/setup installs it)").arg(QLatin1String(tool))));
    int code = -1;
    const QString out = m_dir.filePath(QStringLiteral("out"));
    const QByteArray log = run(QStringLiteral("cpack"),
                               {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), out,
                                QStringLiteral("--config"), QStringLiteral(HLSCAM_BUILD_DIR "/CPackConfig.cmake")},
                               &code);
    QVERIFY2(code == 0, log.constData());
    const QStringList debs = QDir(out).entryList({QStringLiteral("hlscam_*.deb")}, QDir::Files);
    QCOMPARE(debs.size(), 1);
    m_deb = out + QLatin1Char('/') + debs.first();
    qInfo("%s: %lld bytes", qPrintable(debs.first()), QFileInfo(m_deb).size());

    m_root = m_dir.filePath(QStringLiteral("root"));
    m_control = m_dir.filePath(QStringLiteral("control"));
    run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root}, &code);
    QCOMPARE(code, 0);
    run(QStringLiteral("dpkg-deb"), {QStringLiteral("-e"), m_deb, m_control}, &code);
    QCOMPARE(code, 0);
}

void TestPackage::controlFieldsAndDependencies()
{
    auto field = [this](const char *name) {
        return run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QString::fromLatin1(name)}).trimmed();
    };
    QCOMPARE(field("Package"), QByteArray("hlscam"));
    QCOMPARE(field("Version"), QByteArray(HLSCAM_VERSION));
    const QByteArray depends = field("Depends");
    // Found by dpkg-shlibdeps from the binary...
    for (const char *lib :
         {"libqt6core6", "libqt6network6", "libqt6httpserver6", "libx264-164", "libcrypt1", "libyuv0", "libturbojpeg0"})
        QVERIFY2(depends.contains(lib), depends.constData());
    // ...and from the FFmpeg module...
    for (const char *lib : {"libavcodec59", "libavformat59", "libswscale6"})
        QVERIFY2(depends.contains(lib), depends.constData());
    // ...and what it needs without linking: adduser and deb-systemd-helper run in the maintainer
    // scripts. Cameras are core's own: no libavdevice.
    QVERIFY2(!depends.contains("libavdevice"), depends.constData());
    for (const char *dep : {"adduser", "init-system-helpers"})
        QVERIFY2(depends.contains(dep), depends.constData());
    // The headless service pulls in no GUI.
    for (const char *gui : {"libqt6gui6", "libqt6quick6", "libqt6multimedia6"})
        QVERIFY2(!depends.contains(gui), depends.constData());
}

void TestPackage::conffilesAreTheShippedDefaults()
{
    QFile conffiles(m_control + QStringLiteral("/conffiles"));
    QVERIFY(conffiles.open(QIODevice::ReadOnly));
    const QByteArrayList listed = conffiles.readAll().trimmed().split('\n');
    QCOMPARE(listed, QByteArrayList({"/etc/hlscam/hlscam.conf", "/etc/fail2ban/filter.d/hlscam.conf"}));
    for (const QByteArray &path : listed)
        QVERIFY2(QFileInfo::exists(m_root + QString::fromUtf8(path)), path.constData());
    // Every file the package puts in /etc is a conffile, or an upgrade would overwrite the
    // owner's edits.
    QDirIterator it(m_root + QStringLiteral("/etc"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next().mid(m_root.size());
        QVERIFY2(listed.contains(path.toUtf8()), qPrintable(path));
    }
    QFile installed(m_root + QStringLiteral("/etc/hlscam/hlscam.conf"));
    QFile shipped(QStringLiteral(HLSCAM_SOURCE_DIR "/resources/hlscam.conf"));
    QVERIFY(installed.open(QIODevice::ReadOnly) && shipped.open(QIODevice::ReadOnly));
    QCOMPARE(installed.readAll(), shipped.readAll());
}

void TestPackage::filesWhereDebianWantsThem()
{
    for (const char *path :
         {"/usr/bin/hlscam", "/lib/systemd/system/hlscam.service", "/usr/share/man/man1/hlscam.1.gz",
          "/usr/share/doc/hlscam/copyright", "/usr/share/doc/hlscam/changelog.gz",
          "/usr/share/doc/hlscam/examples/fail2ban/jail.conf",
          "/usr/" HLSCAM_MODULE_DIR "/hlscam_ffmpeg.so"})  // NOLINT(bugprone-suspicious-missing-comma): one path
        QVERIFY2(QFileInfo::exists(m_root + QLatin1String(path)), path);
    // The manual page renders (man's own check: no warnings from groff).
    int code = -1;
    const QByteArray page =
        run(QStringLiteral("sh"),
            {QStringLiteral("-c"), QStringLiteral("zcat '%1' | groff -man -Tutf8 -ww -z 2>&1")
                                       .arg(m_root + QStringLiteral("/usr/share/man/man1/hlscam.1.gz"))},
            &code);
    QCOMPARE(code, 0);
    QVERIFY2(page.trimmed().isEmpty(), page.constData());
}

void TestPackage::binaryIsStrippedAndHardened()
{
#ifndef HLSCAM_HARDENED
    QSKIP("built with HLSCAM_HARDENING=OFF (a sanitizer build)");
#endif
    for (const char *path : {"/usr/bin/hlscam", "/usr/" HLSCAM_MODULE_DIR "/hlscam_ffmpeg.so"})
        checkStrippedAndHardened(m_root + QLatin1String(path));
}

void TestPackage::checkStrippedAndHardened(const QString &binary)
{
    qInfo("packaged %s: %lld bytes", qPrintable(QFileInfo(binary).fileName()), QFileInfo(binary).size());
    const QByteArray sections = run(QStringLiteral("readelf"), {QStringLiteral("-SW"), binary});
    for (const char *section : {".debug_info", ".symtab", ".comment"})
        QVERIFY2(!sections.contains(section), section);
    // Full RELRO: bind-now, and the GOT made read-only after relocation.
    const QByteArray dynamic = run(QStringLiteral("readelf"), {QStringLiteral("-dW"), binary});
    QVERIFY2(dynamic.contains("BIND_NOW") || (dynamic.contains("FLAGS_1") && dynamic.contains("NOW")),
             dynamic.constData());
    const QByteArray segments = run(QStringLiteral("readelf"), {QStringLiteral("-lW"), binary});
    QVERIFY(segments.contains("GNU_RELRO"));
    QVERIFY(segments.contains("GNU_STACK"));
    QVERIFY2(!segments.contains("RWE"), "executable stack");
}

void TestPackage::maintainerScriptsParse()
{
    for (const char *name : {"postinst", "prerm", "postrm"}) {
        const QString script = m_control + QLatin1Char('/') + QLatin1String(name);
        QFileInfo info(script);
        QVERIFY2(info.exists() && info.isExecutable(), name);
        int code = -1;
        const QByteArray out = run(QStringLiteral("sh"), {QStringLiteral("-n"), script}, &code);
        QVERIFY2(code == 0, out.constData());
    }
    QFile postinst(m_control + QStringLiteral("/postinst"));
    QVERIFY(postinst.open(QIODevice::ReadOnly));
    const QByteArray text = postinst.readAll();
    QVERIFY(text.contains("adduser --system"));
    QVERIFY(text.contains("journalctl -u hlscam"));  // where the first-run password is
    QFile postrm(m_control + QStringLiteral("/postrm"));
    QVERIFY(postrm.open(QIODevice::ReadOnly));
    QVERIFY(postrm.readAll().contains("rm -rf /var/lib/hlscam"));  // purge only
}

void TestPackage::lintianFindsNothing()
{
    int code = -1;
    const QByteArray out = run(QStringLiteral("lintian"),
                               {QStringLiteral("--pedantic"), QStringLiteral("--fail-on"),
                                QStringLiteral("error,warning,info,pedantic"), m_deb},
                               &code);
    QByteArrayList findings;
    for (const QByteArray &line : out.split('\n'))
        if (line.size() > 2 && line.at(1) == ':' && QByteArray("EWIPX").contains(line.at(0)))
            findings << line;
    QVERIFY2(code == 0 && findings.isEmpty(), out.constData());
}

void TestPackage::packagedBinaryServesOnPackagedConfig()
{
    ServiceProcess service;
    service.setBinary(m_root + QStringLiteral("/usr/bin/hlscam"));
    const QString config = m_root + QStringLiteral("/etc/hlscam/hlscam.conf");
    QByteArray out;
    QCOMPARE(
        service.run({QStringLiteral("config"), QStringLiteral("check"), QStringLiteral("--config"), config}, {}, &out),
        0);
    QVERIFY(service.addUser(QStringLiteral("owner"), QStringLiteral("pw-owner")));
    // device = auto in the default config: no camera here, so the test pattern.
    QVERIFY2(service.start({QStringLiteral("--config"), config, QStringLiteral("--source"), QStringLiteral("auto")}),
             service.log().constData());
    QString error;
    const QJsonObject video = service.probeVideo(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("owner"),
                                                 QStringLiteral("pw-owner"), &error);
    QVERIFY2(!video.isEmpty(), qPrintable(error + QString::fromUtf8(service.log())));
    QCOMPARE(video.value(QStringLiteral("codec_name")).toString(), QStringLiteral("h264"));
    QCOMPARE(video.value(QStringLiteral("width")).toInt(), 640);
    QCOMPARE(service.stop(), 0);
}

void TestPackage::packagedModuleReadsAFile()
{
    // The installed binary finds the installed FFmpeg module (../lib/hlscam/ from bin/) and
    // passes an H.264 file through.
    const QString clip = m_dir.filePath(QStringLiteral("clip.mp4"));
    int code = -1;
    const QByteArray log = run(QStringLiteral("ffmpeg"),
                               {"-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v",
                                "libx264", "-g", "25", "-pix_fmt", "yuv420p", clip},
                               &code);
    QVERIFY2(code == 0, log.constData());
    ServiceProcess service;
    service.setBinary(m_root + QStringLiteral("/usr/bin/hlscam"));
    QVERIFY(service.addUser(QStringLiteral("owner"), QStringLiteral("pw-owner")));
    QVERIFY2(service.start({QStringLiteral("--config"), m_root + QStringLiteral("/etc/hlscam/hlscam.conf"),
                            QStringLiteral("--source"), clip}),
             service.log().constData());
    QString error;
    const QJsonObject video = service.probeVideo(QStringLiteral("/cam/cam0/index.m3u8"), QStringLiteral("owner"),
                                                 QStringLiteral("pw-owner"), &error);
    QVERIFY2(!video.isEmpty(), qPrintable(error + QString::fromUtf8(service.log())));
    QCOMPARE(video.value(QStringLiteral("width")).toInt(), 320);  // the file's own, passed through
    const QByteArray expected =
        "loaded the FFmpeg module " +
        QDir::cleanPath(m_root + QStringLiteral("/usr/" HLSCAM_MODULE_DIR "/hlscam_ffmpeg.so")).toUtf8();
    QVERIFY2(service.log().contains(expected), service.log().constData());
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"
