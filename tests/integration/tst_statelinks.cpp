// The service account (owner of the state directory) compromised: it plants symbolic and hard
// links to a root-owned file where state files and their locks belong, and waits for root to run
// `hlscam users add`, `hlscam bans unban` or a root-run service. The real binary, run as root,
// must refuse with a message naming the link, exit non-zero, and leave the target as it was.
#include <sys/stat.h>
#include <unistd.h>
#include "FileSnapshot.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "ServiceProcess.h"

namespace {

constexpr uid_t kNobody = 65534;
const QByteArray kVictimText = "victim-file-root-owned-32-bytes\n";  // 32 bytes: passes for a token key
const QString kBanned = QStringLiteral("192.0.2.7");

QByteArray enc(const QString &path) { return QFile::encodeName(path); }

using Snapshot = FileSnapshot;

Snapshot snapshot(const QString &path) { return FileSnapshot::of(path); }

QString describe(const Snapshot &s) { return s.describe(); }

// A root-owned file (0644, like /etc/passwd) in a directory of its own, and a state directory
// owned by `owner` under a directory everyone may pass through (as /var/lib).
struct Scene {
    QTemporaryDir base;
    QTemporaryDir elsewhere;
    QString state;
    QString victim;

    bool make(uid_t owner)
    {
        state = base.filePath(QStringLiteral("state"));
        victim = elsewhere.filePath(QStringLiteral("victim"));
        QFile f(victim);
        return ::chmod(enc(base.path()).constData(), 0755) == 0 && QDir().mkdir(state) &&
               ::chmod(enc(state).constData(), 0700) == 0 && ::chown(enc(state).constData(), owner, owner) == 0 &&
               f.open(QIODevice::WriteOnly) && f.write(kVictimText) == kVictimText.size() && f.flush() &&
               ::chmod(enc(victim).constData(), 0644) == 0 && ::chmod(enc(elsewhere.path()).constData(), 0755) == 0;
    }
    bool plant(const QString &name, const QString &kind)
    {
        const QByteArray at = enc(state + u'/' + name);
        return kind == u"symlink" ? ::symlink(enc(victim).constData(), at.constData()) == 0
                                  : ::link(enc(victim).constData(), at.constData()) == 0;
    }
};

// A bans file in which kBanned is banned for an hour: unbanning it is a real change.
QByteArray bansWithOneBan()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return QStringLiteral(
               R"({"version":1,"addresses":{"%1":{"failures":[],"banned_at":%2,"banned_until":%3,"bans":1}}})")
        .arg(kBanned)
        .arg(now)
        .arg(now + qint64{3600} * 1000)
        .toUtf8();
}

bool writeAs(const QString &path, const QByteArray &data, uid_t owner)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size() && f.flush() &&
           ::chown(enc(path).constData(), owner, owner) == 0;
}

}  // namespace

class TestStateLinks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandRefusesLinks_data();
    void commandRefusesLinks();
    void serviceRefusesLinks_data();
    void serviceRefusesLinks();
    void cameraChangeRefusesLinkedLock();
    void commandRunsAsTheStateOwner();
};

void TestStateLinks::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP(
            "needs root (as CI runs): the attack is root following a link the service user "
            "planted");
}

void TestStateLinks::commandRefusesLinks_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<uint>("owner");
    for (const char *name : {"users.lock", "users", "bans.json.lock", "bans.json"})
        for (const char *kind : {"symlink", "hardlink"})
            for (uint owner : {uint(kNobody), 0u})
                QTest::addRow("%s %s, state dir of uid %u", kind, name, owner)
                    << QString::fromLatin1(name) << QString::fromLatin1(kind) << owner;
}

// `sudo hlscam users add` / `sudo hlscam bans unban`, the commands the README gives for a board.
void TestStateLinks::commandRefusesLinks()
{
    QFETCH(QString, name);
    QFETCH(QString, kind);
    QFETCH(uint, owner);
    Scene scene;
    QVERIFY(scene.make(owner));
    const bool bans = name.startsWith(QLatin1String("bans"));
    if (bans && name != u"bans.json")
        QVERIFY(writeAs(scene.state + QStringLiteral("/bans.json"), bansWithOneBan(), owner));
    QVERIFY(scene.plant(name, kind));
    const QString planted = scene.state + u'/' + name;
    const Snapshot before = snapshot(scene.victim);

    ServiceProcess hlscam;
    QByteArray out;
    const QStringList state{QStringLiteral("--state-dir"), scene.state};
    const int exit =
        bans ? hlscam.run(QStringList{QStringLiteral("bans"), QStringLiteral("unban"), kBanned} + state, {}, &out)
             : hlscam.run(QStringList{QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("eve")} + state,
                          "eve-password\n", &out);

    const Snapshot after = snapshot(scene.victim);
    QVERIFY2(after == before, qPrintable(QStringLiteral("victim changed: before %1, after %2; output: %3")
                                             .arg(describe(before), describe(after), QString::fromUtf8(out))));
    QVERIFY2(exit != 0, out.constData());
    const QByteArray why = kind == u"symlink" ? "is a symbolic link" : "has 2 names";
    QVERIFY2(out.contains(enc(planted)) && out.contains(why), out.constData());
    struct stat st {};
    QVERIFY2(
        ::lstat(enc(planted).constData(), &st) == 0 && (kind == u"symlink" ? S_ISLNK(st.st_mode) : S_ISREG(st.st_mode)),
        "the planted entry is kept for a person to look at");
}

void TestStateLinks::serviceRefusesLinks_data()
{
    QTest::addColumn<QString>("name");
    QTest::addRow("users") << QStringLiteral("users");
    QTest::addRow("token.key") << QStringLiteral("token.key");
    QTest::addRow("cameras.conf") << QStringLiteral("cameras.conf");
    QTest::addRow("users.lock") << QStringLiteral("users.lock");
}

// A service started by root on the service account's directory does not start through a link.
void TestStateLinks::serviceRefusesLinks()
{
    QFETCH(QString, name);
    Scene scene;
    QVERIFY(scene.make(kNobody));
    QVERIFY(scene.plant(name, QStringLiteral("symlink")));
    const Snapshot before = snapshot(scene.victim);
    ServiceProcess service;
    const bool started = service.start({QStringLiteral("--state-dir"), scene.state});
    const QByteArray log = service.log();
    service.stop();
    const Snapshot after = snapshot(scene.victim);
    QVERIFY2(after == before,
             qPrintable(QStringLiteral("victim changed: before %1, after %2").arg(describe(before), describe(after))));
    QVERIFY2(!started, log.constData());
    QVERIFY2(log.contains(enc(scene.state + u'/' + name)) && log.contains("is a symbolic link"), log.constData());
}

// An admin changes a camera through the API of a root-run service while cameras.conf.lock is a
// link: the change is refused with the reason, the target untouched.
void TestStateLinks::cameraChangeRefusesLinkedLock()
{
    Scene scene;
    QVERIFY(scene.make(kNobody));
    ServiceProcess service;
    const QStringList state{QStringLiteral("--state-dir"), scene.state};
    QCOMPARE(service.run(QStringList{QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("boss"),
                                     QStringLiteral("--role"), QStringLiteral("admin")} +
                             state,
                         "boss-password\n"),
             0);
    QVERIFY2(service.start(state), service.log().constData());
    QVERIFY(scene.plant(QStringLiteral("cameras.conf.lock"), QStringLiteral("symlink")));
    const Snapshot before = snapshot(scene.victim);
    const HttpReply reply =
        service.get(QStringLiteral("/api/v1/cameras/cam0"), QStringLiteral("boss"), QStringLiteral("boss-password"),
                    "PUT", R"({"fps":10})", {{"Content-Type", "application/json"}});
    const Snapshot after = snapshot(scene.victim);
    QVERIFY2(after == before,
             qPrintable(QStringLiteral("victim changed: before %1, after %2").arg(describe(before), describe(after))));
    QCOMPARE(reply.status, 500);
    QVERIFY2(reply.body.contains("cameras.conf.lock") && reply.body.contains("is a symbolic link"),
             reply.body.constData());
    QCOMPARE(service.stop(), 0);
}

// Root runs the users command as the state directory's owner: whatever it opens there, it opens
// with that account's rights, never more. Seen from outside while it waits for the password.
void TestStateLinks::commandRunsAsTheStateOwner()
{
    Scene scene;
    QVERIFY(scene.make(kNobody));
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(HLSCAM_BINARY), {QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("eve"),
                                            QStringLiteral("--state-dir"), scene.state});
    QVERIFY(p.waitForStarted(10000));
    const QString status = QStringLiteral("/proc/%1/status").arg(p.processId());
    auto ids = [&](const char *field) {
        QFile f(status);
        if (!f.open(QIODevice::ReadOnly))
            return QByteArray();
        for (const QByteArray &line : f.readAll().split('\n'))
            if (line.startsWith(field))
                return line.mid(qsizetype(qstrlen(field))).simplified();
        return QByteArray();
    };
    // Real, effective, saved and file-system ids all the owner's: no way back to root.
    QTRY_COMPARE_WITH_TIMEOUT(ids("Uid:"), QByteArray("65534 65534 65534 65534"), 5000);
    QCOMPARE(ids("Gid:"), QByteArray("65534 65534 65534 65534"));
    QCOMPARE(ids("Groups:"), QByteArray("65534"));
    p.write("eve-password\n");
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(30000));
    QVERIFY2(p.exitCode() == 0, p.readAll().constData());
    struct stat st {};
    QCOMPARE(::lstat(enc(scene.state + QStringLiteral("/users")).constData(), &st), 0);
    QCOMPARE(st.st_uid, kNobody);

    // A state directory of root's own: nothing to drop to, the command runs as root as before.
    Scene rootScene;
    QVERIFY(rootScene.make(0));
    ServiceProcess hlscam;
    QCOMPARE(hlscam.run({QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("eve"),
                         QStringLiteral("--state-dir"), rootScene.state},
                        "eve-password\n"),
             0);
    QCOMPARE(::lstat(enc(rootScene.state + QStringLiteral("/users")).constData(), &st), 0);
    QCOMPARE(st.st_uid, uid_t(0));
}

QTEST_GUILESS_MAIN(TestStateLinks)
#include "tst_statelinks.moc"
