// Faults a board meets: the power cut or OOM kill in the middle of writing state, and a full SD
// card. The real binary on loopback; only processes and mounts this test made are touched.
#include "ServiceProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QtTest>

#include <sys/mount.h>
#include <unistd.h>
#include <csignal>

namespace {
const QString kPlaylist = QStringLiteral("/cam/cam0/index.m3u8");
// Every wrong password bans its address at once, so each failure writes the bans file; nothing
// on loopback is exempt.
const QByteArray kBanEveryFailure = "[bans]\nmaxretry = 1\nignoreip =\n";
}  // namespace

class TestFaults : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killNineWhileWritingLosesNothing();
    void fullStateDiskKeepsStreaming();
};

// 100 times: the service bans addresses (a write of the bans file per request) while
// `hlscam users add` runs, and both are killed with SIGKILL at a random moment. After each kill
// the users and bans files parse, and every acknowledged change is in them: a user whose add
// exited 0, a ban whose 401 reached the client (the service writes the ban before answering).
void TestFaults::killNineWhileWritingLosesNothing()
{
    ServiceProcess service;
    const QStringList config = service.configArgs(kBanEveryFailure);
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("seed %u", seed);
    QRandomGenerator random(seed);
    QStringList usersAcknowledged;
    QStringList bansAcknowledged;
    int killedWhileAdding = 0;
    // How long an add takes on this machine and build: the kills fall within twice that, so
    // some land before it is done and some after.
    QElapsedTimer timing;
    timing.start();
    QCOMPARE(service.run({QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("calibration"),
                          QStringLiteral("--state-dir"), service.stateDir()},
                         "a-password\n"),
             0);
    const int addMs = int(qMax<qint64>(timing.elapsed(), 5));
    qInfo("an add takes %d ms", addMs);
    for (int round = 0; round < 100; ++round) {
        QVERIFY2(service.start(config), service.log().constData());
        const QString name = QStringLiteral("user%1").arg(round);
        QProcess add;
        add.start(QStringLiteral(HLSCAM_BINARY), {QStringLiteral("users"), QStringLiteral("add"), name,
                                                  QStringLiteral("--state-dir"), service.stateDir()});
        QVERIFY(add.waitForStarted());
        add.write("a-password\n");
        add.waitForBytesWritten(1000);  // the loop below does not run this process's events
        add.closeWriteChannel();

        QElapsedTimer busy;
        busy.start();
        const int killAfterMs = int(random.bounded(1, 2 * addMs));
        for (int k = 1; busy.elapsed() < killAfterMs && k < 255; ++k) {
            const QString from = QStringLiteral("127.3.%1.%2").arg(round).arg(k);
            if (service.getFrom(from, kPlaylist, QStringLiteral("nobody"), QStringLiteral("wrong")).status == 401)
                bansAcknowledged << from;
        }
        ::kill(pid_t(service.pid()), SIGKILL);  // our own child, by its PID
        if (add.state() == QProcess::Running)
            ::kill(pid_t(add.processId()), SIGKILL);  // not yet reaped: still our child's PID
        add.waitForFinished(10000);
        if (add.exitStatus() == QProcess::CrashExit)
            ++killedWhileAdding;
        service.stop();  // reaps the killed service
        if (add.exitStatus() == QProcess::NormalExit && add.exitCode() == 0)
            usersAcknowledged << name;

        const QStringList state{QStringLiteral("--state-dir"), service.stateDir()};
        QByteArray users, bans;
        QCOMPARE(service.run(QStringList{QStringLiteral("users"), QStringLiteral("list")} + state, {}, &users), 0);
        QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list")} + state, {}, &bans), 0);
        QVERIFY2(!users.contains("users:") && !bans.contains("bans.json"),
                 (users + bans).constData());  // no "file:line" errors
        for (const QString &n : std::as_const(usersAcknowledged))
            QVERIFY2(users.contains(n.toUtf8() + "  viewer"),
                     qPrintable(QStringLiteral("round %1 lost user %2").arg(round).arg(n)));
        for (const QString &a : std::as_const(bansAcknowledged))
            QVERIFY2(bans.contains(a.toUtf8() + ' '),
                     qPrintable(QStringLiteral("round %1 lost ban %2").arg(round).arg(a)));
    }
    qInfo("100 kills: %lld users and %lld bans acknowledged, all kept; %d adds killed mid-way",
          qint64(usersAcknowledged.size()), qint64(bansAcknowledged.size()), killedWhileAdding);
    // The kills did land in the middle of the writing, and both outcomes of an add happened.
    QVERIFY(bansAcknowledged.size() > 50);
    QVERIFY(killedWhileAdding > 0 && !usersAcknowledged.isEmpty());
}

// The state directory on a full file system (a 1 MB tmpfs, filled): bans and users cannot be
// written and say so, naming the file; the service keeps streaming and answering; once space is
// back, the next change is written.
void TestFaults::fullStateDiskKeepsStreaming()
{
    if (::geteuid() != 0)
        QSKIP("mounting a small tmpfs needs root (as CI runs)");
    ServiceProcess service;
    const QString small = service.stateDir() + QStringLiteral("/small");
    QVERIFY(QDir().mkpath(small));
    QVERIFY2(
        ::mount("hlscam-test", QFile::encodeName(small).constData(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") == 0,
        qPrintable(qt_error_string(errno)));
    auto unmount = qScopeGuard([&] { ::umount2(QFile::encodeName(small).constData(), MNT_DETACH); });
    const QStringList state{QStringLiteral("--state-dir"), small};
    QCOMPARE(service.run(QStringList{QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("viewer")} + state,
                         "viewer-pw\n"),
             0);
    const QStringList config = service.configArgs(kBanEveryFailure);
    QVERIFY2(service.start(config + state), service.log().constData());
    QCOMPARE(service.get(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).status, 200);

    // Fill it up.
    QFile filler(small + QStringLiteral("/filler"));
    QVERIFY(filler.open(QIODevice::WriteOnly));
    const QByteArray block(qsizetype{64} * 1024, 'x');
    while (filler.write(block) == block.size() && filler.flush()) {
    }
    filler.close();

    // A ban cannot be written: the failure is still answered, the error names the file.
    QCOMPARE(service.getFrom(QStringLiteral("127.4.0.1"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("wrong"))
                 .status,
             401);
    QTRY_VERIFY_WITH_TIMEOUT(service.log().contains("bans.json") && service.log().contains("No space left on device"),
                             15000);
    // A user cannot be added: a clear error, and the users file is as it was.
    QByteArray out;
    QCOMPARE(service.run(QStringList{QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("late")} + state,
                         "late-pw\n", &out),
             1);
    QVERIFY2(out.contains("No space left on device") && out.contains("users"), out.constData());
    QCOMPARE(service.get(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).status, 200);
    // Still streaming: media keeps coming (it lives in memory, not on the full disk).
    const QByteArray before = service.get(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).body;
    QTRY_VERIFY_WITH_TIMEOUT(
        service.get(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw")).body != before, 15000);
    QString error;
    QVERIFY2(!service.probeVideo(kPlaylist, QStringLiteral("viewer"), QStringLiteral("viewer-pw"), &error).isEmpty(),
             qPrintable(error));

    // Space again: the next add and the next ban are written.
    QVERIFY(filler.remove());
    QCOMPARE(service.run(QStringList{QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("late")} + state,
                         "late-pw\n"),
             0);
    QTRY_COMPARE_WITH_TIMEOUT(service.get(kPlaylist, QStringLiteral("late"), QStringLiteral("late-pw")).status, 200,
                              15000);
    QCOMPARE(service.getFrom(QStringLiteral("127.4.0.2"), kPlaylist, QStringLiteral("viewer"), QStringLiteral("wrong"))
                 .status,
             401);
    QCOMPARE(service.run(QStringList{QStringLiteral("bans"), QStringLiteral("list")} + state, {}, &out), 0);
    QVERIFY2(out.contains("127.4.0.2 "), out.constData());
    QCOMPARE(service.stop(), 0);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
