// Planted links in the state directory. The service's user owns that directory; once that account
// is compromised it can put a symbolic link, a hard link or a fifo where a state file or its lock
// is expected and wait for root to run `hlscam users add` (or a root-run service). Every reader
// and writer of state files must then refuse, naming the file and why, and leave the link's
// target exactly as it was: content, owner, mode, and no new file beside it.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "FileSnapshot.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstring>

#include "FileLock.h"
#include "auth/BanStore.h"
#include "auth/UrlToken.h"
#include "auth/UsersFile.h"
#include "config/CameraOverrides.h"

using namespace hlscam;

namespace {

constexpr uid_t kNobody = 65534;   // the state directory's owner: the service account
constexpr uid_t kStranger = 4242;  // neither that owner nor us
// Exactly 32 bytes: read as token.key, it would even pass for a key.
const QByteArray kVictimText = "victim-file-root-owned-32-bytes\n";

QByteArray enc(const QString &path) { return QFile::encodeName(path); }

// What a planted link must not change about the file it points at.
using Snapshot = FileSnapshot;

Snapshot snapshot(const QString &path) { return FileSnapshot::of(path); }

QString describe(const Snapshot &s) { return s.describe(); }

// Reads one entry of the state directory as it is, without following it.
struct Entry {
    mode_t mode = 0;
    ino_t ino = 0;
    uid_t uid = 0;
    QByteArray linkTarget;
    bool operator==(const Entry &) const = default;
};

Entry entry(const QString &path)
{
    Entry e;
    struct stat st {};
    if (::lstat(enc(path).constData(), &st) != 0)
        return e;
    e.mode = st.st_mode;
    e.ino = st.st_ino;
    e.uid = st.st_uid;
    if (S_ISLNK(st.st_mode)) {
        char buf[4096];
        const ssize_t n = ::readlink(enc(path).constData(), buf, sizeof buf);
        e.linkTarget = QByteArray(buf, n > 0 ? int(n) : 0);
    }
    return e;
}

QByteArray aliceHash()
{
    // A bcrypt hash (any supported scheme will do; it is never verified here).
    return "$2y$04$abcdefghijklmnopqrstuu5Lh7P6X3K3b9hNlVdE3x8u1GZl5yS6e";
}

}  // namespace

class TestStateFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void plantedEntryIsRefused_data();
    void plantedEntryIsRefused();
    void symlinkedStateDirIsRefused();
    void ordinaryFilesStillWork();
    void rootWritesStayTheOwners();
    void serviceReadsWhatRootCopiedIn();
};

void TestStateFiles::initTestCase()
{
    if (::geteuid() != 0)
        QSKIP(
            "needs root (as CI runs): the attack is root following a link the service user "
            "planted");
}

void TestStateFiles::plantedEntryIsRefused_data()
{
    QTest::addColumn<QString>("name");  // the state file or lock that is planted
    QTest::addColumn<QString>("kind");  // symlink, dangling, hardlink, fifo, stranger
    QTest::addColumn<QString>("operation");
    QTest::addColumn<QString>("why");  // what the error must say
    const QList<std::pair<const char *, const char *>> operations{
        {"users", "users update"},         {"users", "users load"},          {"users.lock", "users update"},
        {"bans.json", "bans load"},        {"bans.json", "bans unban"},      {"bans.json.lock", "bans unban"},
        {"cameras.conf", "cameras apply"}, {"cameras.conf", "cameras save"}, {"cameras.conf.lock", "cameras save"},
        {"token.key", "token key"},
    };
    const QList<std::pair<const char *, const char *>> kinds{
        {"symlink", "is a symbolic link"}, {"dangling", "is a symbolic link"},   {"hardlink", "has 2 names"},
        {"fifo", "is not a regular file"}, {"stranger", "is owned by uid 4242"},
    };
    for (const auto &[name, operation] : operations)
        for (const auto &[kind, why] : kinds) {
            // A lock is opened only to be locked: a stranger's lock file does not matter...
            // but it is refused too, by the same rule, so the rule stays one.
            QTest::addRow("%s %s: %s", kind, name, operation)
                << QString::fromLatin1(name) << QString::fromLatin1(kind) << QString::fromLatin1(operation)
                << QString::fromLatin1(why);
        }
}

void TestStateFiles::plantedEntryIsRefused()
{
    QFETCH(QString, name);
    QFETCH(QString, kind);
    QFETCH(QString, operation);
    QFETCH(QString, why);

    // The state directory belongs to the service account; the victim is root's, elsewhere.
    QTemporaryDir state;
    QTemporaryDir elsewhere;
    QCOMPARE(::chown(enc(state.path()).constData(), kNobody, kNobody), 0);
    const QString victim = elsewhere.filePath(QStringLiteral("victim"));
    {
        QFile f(victim);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(kVictimText), kVictimText.size());
    }
    QCOMPARE(::chmod(enc(victim).constData(), 0644), 0);

    const QString planted = state.filePath(name);
    const QByteArray p = enc(planted);
    if (kind == u"symlink") {
        QCOMPARE(::symlink(enc(victim).constData(), p.constData()), 0);
    } else if (kind == u"dangling") {
        QCOMPARE(::symlink(enc(elsewhere.filePath(QStringLiteral("created"))).constData(), p.constData()), 0);
    } else if (kind == u"hardlink") {
        QCOMPARE(::link(enc(victim).constData(), p.constData()), 0);
    } else if (kind == u"fifo") {
        QCOMPARE(::mkfifo(p.constData(), 0600), 0);
    } else {
        QFile f(planted);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(kVictimText), kVictimText.size());
        f.close();
        QCOMPARE(::chown(p.constData(), kStranger, kStranger), 0);
    }
    const Snapshot victimBefore = snapshot(victim);
    const Entry plantedBefore = entry(planted);

    QString error;
    const QString users = state.filePath(QStringLiteral("users"));
    const QString bans = state.filePath(QStringLiteral("bans.json"));
    const QString cameras = state.filePath(QStringLiteral("cameras.conf"));
    if (operation == u"users update") {
        error = UsersFile::update(users, [](UsersFile &f, bool *) {
                    return f.addOrUpdate(User{QStringLiteral("alice"), aliceHash(), Role::Admin});
                }).message;
    } else if (operation == u"users load") {
        UsersFile file(users);
        error = file.load().message;
    } else if (operation == u"bans load") {
        BanStore store(bans, BanSettings{});
        error = store.load().message;
    } else if (operation == u"bans unban") {
        // A ban made in this process, then lifted: both writes must refuse the planted entry.
        BanSettings oneStrike;
        oneStrike.maxRetry = 1;
        BanStore store(bans, oneStrike);
        const QString loadError = store.load().message;  // fails too when bans.json is the planted one
        store.recordFailure(QHostAddress(QStringLiteral("192.0.2.7")), QStringLiteral("test"), nullptr, {});
        const Result<bool> lifted = store.unban(QHostAddress(QStringLiteral("192.0.2.7")), QStringLiteral("test"));
        error = lifted.ok() ? QString() : lifted.error().message;
        if (error.isEmpty())
            error = loadError;
    } else if (operation == u"cameras apply") {
        Settings settings;
        QStringList notes;
        error = applyCameraOverrides(cameras, settings, &notes).message;
    } else if (operation == u"cameras save") {
        error = saveCameraOverride(cameras, CameraSettings{}).message;
    } else if (operation == u"token key") {
        const Result<QByteArray> key = UrlToken::loadOrCreateSecret(planted);
        QVERIFY2(!key.ok(), "the planted token.key was used as the key");
        error = key.error().message;
    } else {
        QFAIL("unknown operation");
    }

    const Snapshot victimAfter = snapshot(victim);
    QVERIFY2(
        victimAfter == victimBefore,
        qPrintable(
            QStringLiteral("victim changed: before %1, after %2").arg(describe(victimBefore), describe(victimAfter))));
    QVERIFY2(error.contains(planted) && error.contains(why),
             qPrintable(QStringLiteral("error: '%1' (expected it to name %2 and say '%3')").arg(error, planted, why)));
    QVERIFY2(entry(planted) == plantedBefore,
             "the planted entry was replaced or moved (lose nothing: it stays for a person to look at)");
    QVERIFY2(!QFileInfo::exists(elsewhere.filePath(QStringLiteral("created"))),
             "a file was created through the dangling link");
}

// The state directory itself a link (the service account cannot plant that in /var/lib, but a
// state_dir inside a directory it owns would allow it): refused, nothing written through it.
void TestStateFiles::symlinkedStateDirIsRefused()
{
    QTemporaryDir state;
    QTemporaryDir elsewhere;
    const QString link = state.filePath(QStringLiteral("linked"));
    QCOMPARE(::symlink(enc(elsewhere.path()).constData(), enc(link).constData()), 0);
    const Error error = UsersFile::update(link + QStringLiteral("/users"), [](UsersFile &f, bool *) {
        return f.addOrUpdate(User{QStringLiteral("alice"), aliceHash(), Role::Admin});
    });
    QVERIFY2(error.message.contains(link) && error.message.contains(QLatin1String("is a symbolic link")),
             qPrintable(error.message));
    QVERIFY(QDir(elsewhere.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot));
}

// The checks refuse only what is wrong: the files of a normal life (missing, ours, the owner's)
// are read and written as before, atomically, owner-only, with no temp file left behind.
void TestStateFiles::ordinaryFilesStillWork()
{
    QTemporaryDir state;
    QCOMPARE(::chown(enc(state.path()).constData(), kNobody, kNobody), 0);
    const QString users = state.filePath(QStringLiteral("users"));
    for (const char *name : {"alice", "bob"}) {
        const Error error = UsersFile::update(users, [&](UsersFile &f, bool *) {
            return f.addOrUpdate(User{QString::fromLatin1(name), aliceHash(), Role::Viewer});
        });
        QCOMPARE(error.message, QString());
    }
    UsersFile file(users);
    QCOMPARE(file.load().message, QString());
    QCOMPARE(file.users().size(), 2);
    struct stat st {};
    QCOMPARE(::stat(enc(users).constData(), &st), 0);
    QCOMPARE(st.st_mode & 07777, mode_t(0600));
    QCOMPARE(st.st_uid, kNobody);

    // A file root left there (ours) is read and replaced too; the replacement keeps its owner.
    const QString bans = state.filePath(QStringLiteral("bans.json"));
    {
        QFile f(bans);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write(R"({"version":1,"addresses":{}})") > 0);
    }
    BanSettings oneStrike;
    oneStrike.maxRetry = 1;
    BanStore store(bans, oneStrike);
    QCOMPARE(store.load().message, QString());
    store.recordFailure(QHostAddress(QStringLiteral("192.0.2.7")), QStringLiteral("test"), nullptr, {});
    const Result<bool> lifted = store.unban(QHostAddress(QStringLiteral("192.0.2.7")), QStringLiteral("test"));
    QVERIFY2(lifted.ok() && lifted.value(), qPrintable(lifted.error().message));
    QCOMPARE(::lstat(enc(bans).constData(), &st), 0);
    QCOMPARE(st.st_uid, uid_t(0));
    QCOMPARE(st.st_mode & 07777, mode_t(0600));

    QCOMPARE(saveCameraOverride(state.filePath(QStringLiteral("cameras.conf")), CameraSettings{}).message, QString());
    Settings settings;
    QStringList notes;
    QCOMPARE(applyCameraOverrides(state.filePath(QStringLiteral("cameras.conf")), settings, &notes).message, QString());

    const Result<QByteArray> key = UrlToken::loadOrCreateSecret(state.filePath(QStringLiteral("token.key")));
    QVERIFY2(key.ok(), qPrintable(key.error().message));
    QCOMPARE(UrlToken::loadOrCreateSecret(state.filePath(QStringLiteral("token.key"))).value(), key.value());

    const QStringList left =
        QDir(state.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &f : left)
        QVERIFY2(!f.contains(QLatin1String("tmp")) && f.count(u'.') <= 2,
                 qPrintable(QStringLiteral("left behind: ") + f));
}

// Root's new files in the service account's directory are that account's (else the service could
// no longer read or lock them), and only files root just created are given away.
void TestStateFiles::rootWritesStayTheOwners()
{
    QTemporaryDir state;
    QCOMPARE(::chown(enc(state.path()).constData(), kNobody, kNobody), 0);
    const QString path = state.filePath(QStringLiteral("users"));
    QCOMPARE(UsersFile::update(path,
                               [](UsersFile &f, bool *) {
                                   return f.addOrUpdate(User{QStringLiteral("alice"), aliceHash(), Role::Admin});
                               })
                 .message,
             QString());
    for (const QString &file : {path, path + QStringLiteral(".lock")}) {
        struct stat st {};
        QCOMPARE(::lstat(enc(file).constData(), &st), 0);
        QCOMPARE(st.st_uid, kNobody);
        QCOMPARE(st.st_gid, gid_t(kNobody));
        QVERIFY(S_ISREG(st.st_mode));
    }
    // A lock file root made before (owned by root, allowed: it is ours) is used as it is.
    const QString bans = state.filePath(QStringLiteral("bans.json"));
    const int fd = ::open(enc(bans + QStringLiteral(".lock")).constData(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    QVERIFY(fd >= 0);
    ::close(fd);
    FileLock lock(bans);
    QVERIFY2(lock.locked(), qPrintable(lock.error().message));
    struct stat st {};
    QCOMPARE(::lstat(enc(bans + QStringLiteral(".lock")).constData(), &st), 0);
    QCOMPARE(st.st_uid, uid_t(0));
}

// The service (as its own user) reads a users file an admin copied in with sudo (root's, one
// name), and still refuses a stranger's: checked in a child that has become the service account.
void TestStateFiles::serviceReadsWhatRootCopiedIn()
{
    QTemporaryDir state;
    QCOMPARE(::chown(enc(state.path()).constData(), kNobody, kNobody), 0);
    const QString users = state.filePath(QStringLiteral("users"));
    const QString bans = state.filePath(QStringLiteral("bans.json"));
    {
        QFile f(users);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.write("alice:" + aliceHash() + '\n') > 0);
        QFile b(bans);
        QVERIFY(b.open(QIODevice::WriteOnly));
        QVERIFY(b.write(R"({"version":1,"addresses":{}})") > 0);
    }
    QCOMPARE(::chmod(enc(users).constData(), 0644), 0);
    QCOMPARE(::chmod(enc(bans).constData(), 0644), 0);
    QCOMPARE(::chown(enc(bans).constData(), kStranger, kStranger), 0);
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        const gid_t group = kNobody;
        if (::setgroups(1, &group) != 0 || ::setresgid(group, group, group) != 0 ||
            ::setresuid(kNobody, kNobody, kNobody) != 0)
            ::_exit(10);
        UsersFile file(users);
        if (file.load() || file.users().size() != 1)
            ::_exit(11);
        BanStore store(bans, BanSettings{});
        if (!store.load().message.contains(QLatin1String("is owned by uid 4242")))
            ::_exit(12);
        ::_exit(0);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), 0);  // 11: root's copy refused; 12: the stranger's file read
}

QTEST_GUILESS_MAIN(TestStateFiles)
#include "tst_statefiles.moc"
