// The cameras a user may see, in the users file (`#hlscam-cameras NAME cam0,garden`): read,
// written back with everything else kept, left alone by Apache's own htpasswd, written
// atomically, and fail-closed when a line is in error; UserChange sets and clears them; the
// Authenticator hands them on with Basic logins and URL tokens.
#include "BasicLogin.h"
#include "auth/Authenticator.h"
#include "auth/UserChange.h"
#include "auth/UsersFile.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace hlscam;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

CameraAccess only(const QStringList &names) { return CameraAccess{false, names}; }

const User *userNamed(const QList<User> &users, const QString &name)
{
    for (const User &u : users)
        if (u.name == name)
            return &u;
    return nullptr;
}

}  // namespace

class TestUserCameras : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_hash = bcryptHash("pw"); }
    void readsCamerasNextToRoles();
    void badCameraLinesCloseTheUser_data();
    void badCameraLinesCloseTheUser();
    void rewritingKeepsCommentsAndWritesTheLine();
    void aLineInErrorStaysUntilReplaced();
    void removingAUserTakesItsLine();
    void apacheHtpasswdLeavesTheLinesAlone();
    void savingIsAtomicAndPrivate();
    void userChangeSetsAndClears();
    void loginsAndTokensCarryTheCameras();

private:
    QByteArray m_hash;
};

void TestUserCameras::readsCamerasNextToRoles()
{
    const QByteArray text = "alice:" + m_hash + "\n#hlscam-cameras alice cam0,garden,cam0\n" + "bob:" + m_hash +
                            "\n#hlscam-role bob admin\n#hlscam-cameras bob porch\ncarol:" + m_hash + "\n";
    const UsersParseResult r = parseUsers(text, QStringLiteral("users"));
    QCOMPARE(r.errors, QStringList());
    QCOMPARE(r.users.size(), 3);
    QCOMPARE(r.users[0].cameras, only({QStringLiteral("cam0"), QStringLiteral("garden")}));  // once each
    QVERIFY(r.users[0].access().allows(QStringLiteral("garden")));
    QVERIFY(!r.users[0].access().allows(QStringLiteral("porch")));
    // An admin's list is kept but an admin sees every camera.
    QCOMPARE(r.users[1].cameras, only({QStringLiteral("porch")}));
    QVERIFY(r.users[1].access().allows(QStringLiteral("cam0")));
    // No line: every camera.
    QVERIFY(r.users[2].cameras.all);
    // A name the config does not have is no error (cameras get renamed).
    QCOMPARE(parseUsers("dave:" + m_hash + "\n#hlscam-cameras dave shed\n", QStringLiteral("f")).errors, QStringList());
}

void TestUserCameras::badCameraLinesCloseTheUser_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("message");
    QTest::newRow("no list") << QByteArray("#hlscam-cameras alice") << "cameras line";
    QTest::newRow("empty item") << QByteArray("#hlscam-cameras alice cam0,,garden") << "not a camera name";
    QTest::newRow("bad character") << QByteArray("#hlscam-cameras alice cam0,gar/den") << "not a camera name";
    QTest::newRow("too long") << QByteArray("#hlscam-cameras alice " + QByteArray(33, 'x')) << "not a camera name";
    QTest::newRow("spaces") << QByteArray("#hlscam-cameras alice cam0, garden") << "cameras line";
    QTest::newRow("second line") << QByteArray("#hlscam-cameras alice cam0\n#hlscam-cameras alice garden")
                                 << "already, on line 2";
    QByteArray many = "#hlscam-cameras alice c0";
    for (int i = 1; i <= 300; ++i)
        many += ",c" + QByteArray::number(i);
    QTest::newRow("too many") << many << "at most 256";
}

void TestUserCameras::badCameraLinesCloseTheUser()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, message);
    const UsersParseResult r =
        parseUsers("alice:" + m_hash + "\n" + line + "\nbob:" + m_hash + "\n", QStringLiteral("u"));
    QCOMPARE(r.errors.size(), 1);
    QVERIFY2(r.errors[0].startsWith(QLatin1String("u:")) && r.errors[0].contains(message), qPrintable(r.errors[0]));
    // Fail closed: alice logs in but sees no camera (not every camera); bob is untouched.
    QCOMPARE(r.users.size(), 2);
    QCOMPARE(r.users[0].cameras, CameraAccess{});
    QVERIFY(!r.users[0].access().allows(QStringLiteral("cam0")));
    QVERIFY(r.users[1].cameras.all);
}

void TestUserCameras::rewritingKeepsCommentsAndWritesTheLine()
{
    const QByteArray text =
        "# the garden shed\nalice:" + m_hash + "\n#hlscam-cameras alice cam0\n\n" + "bob:" + m_hash + "\n# end\n";
    UsersParseResult r = parseUsers(text, QStringLiteral("f"));
    QCOMPARE(serializeUsers(r.users, r.lines), text);  // nothing changed: the same bytes
    r.users[0].cameras = CameraAccess::everyCamera();  // alice sees every camera again
    r.users[1].cameras = only({QStringLiteral("garden"), QStringLiteral("porch")});
    const QByteArray written = serializeUsers(r.users, r.lines);
    QCOMPARE(written, "# the garden shed\nalice:" + m_hash + "\n\nbob:" + m_hash +
                          "\n#hlscam-cameras bob garden,porch\n# end\n");
    const UsersParseResult again = parseUsers(written, QStringLiteral("f"));
    QCOMPARE(again.errors, QStringList());
    QVERIFY(again.users[0].cameras.all);
    QCOMPARE(again.users[1].cameras, r.users[1].cameras);
    QCOMPARE(serializeUsers(again.users, again.lines), written);
}

void TestUserCameras::aLineInErrorStaysUntilReplaced()
{
    const QByteArray bad = "#hlscam-cameras alice cam0,,garden";
    UsersParseResult r = parseUsers("alice:" + m_hash + "\n" + bad + "\n", QStringLiteral("f"));
    QCOMPARE(r.errors.size(), 1);
    // Another change (her password): the line stays as it was, for its owner to mend.
    const QByteArray newHash = bcryptHash("new");
    r.users[0].hash = newHash;
    QCOMPARE(serializeUsers(r.users, r.lines), "alice:" + newHash + "\n" + bad + "\n");
    // Setting her cameras replaces it.
    r.users[0].cameras = only({QStringLiteral("porch")});
    QCOMPARE(serializeUsers(r.users, r.lines), "alice:" + newHash + "\n#hlscam-cameras alice porch\n");

    // A cameras line whose user line is in error stays too: mending the user line must not
    // open every camera to that user.
    const QByteArray orphan = "carol:secret\n#hlscam-cameras carol cam0\n";
    const UsersParseResult o = parseUsers(orphan, QStringLiteral("f"));
    QCOMPARE(o.users.size(), 0);
    QCOMPARE(serializeUsers(o.users, o.lines), orphan);
}

void TestUserCameras::removingAUserTakesItsLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    QVERIFY(writeAll(path, "alice:" + m_hash + "\n#hlscam-cameras alice cam0\nbob:" + m_hash + "\n"));
    UsersFile file(path);
    QVERIFY(!file.load());
    QVERIFY(file.remove(QStringLiteral("alice")));
    QVERIFY(!file.save());
    QCOMPARE(readAll(path), "bob:" + m_hash + "\n");
    // A new alice is not limited by the old one's line.
    QVERIFY(!file.addOrUpdate(User{QStringLiteral("alice"), m_hash, Role::Viewer}));
    QVERIFY(!file.save());
    QVERIFY(!file.load());
    QVERIFY(file.find(QStringLiteral("alice"))->cameras.all);
    // A list is checked before it is written.
    User bad{QStringLiteral("alice"), m_hash, Role::Viewer, only({QStringLiteral("no such/name")})};
    QCOMPARE(file.addOrUpdate(bad).fault, Fault::Config);
    QCOMPARE(file.addOrUpdate(User{QStringLiteral("alice"), m_hash, Role::Viewer, CameraAccess{}}).fault,
             Fault::Config);  // an empty list would write nothing and so mean every camera
}

void TestUserCameras::apacheHtpasswdLeavesTheLinesAlone()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    QCOMPARE(applyUserChange(path, UserChange{UserChange::Kind::Add, QStringLiteral("alice"), QStringLiteral("a"),
                                              Role::Viewer, only({QStringLiteral("cam0")})})
                 .outcome,
             UserChangeResult::Outcome::Done);
    QVERIFY(writeAll(path, "# kept by hand\n" + readAll(path)));

    // Apache's htpasswd adds a user, changes alice's password, and deletes nobody of ours.
    for (const QStringList &args :
         {QStringList{QStringLiteral("-bB"), path, QStringLiteral("bob"), QStringLiteral("b")},
          QStringList{QStringLiteral("-bB"), path, QStringLiteral("alice"), QStringLiteral("new")}}) {
        QProcess htpasswd;
        htpasswd.start(QStringLiteral("htpasswd"), args);
        QVERIFY(htpasswd.waitForFinished(20000));
        QCOMPARE(htpasswd.exitCode(), 0);
    }
    const QByteArray text = readAll(path);
    QVERIFY2(text.startsWith("# kept by hand\nalice:$2y$"), text.constData());
    QVERIFY2(text.contains("\n#hlscam-cameras alice cam0\n"), text.constData());
    const UsersParseResult r = parseUsers(text, path);
    QCOMPARE(r.errors, QStringList());
    QCOMPARE(r.users.size(), 2);
    QCOMPARE(userNamed(r.users, QStringLiteral("alice"))->cameras, only({QStringLiteral("cam0")}));
    QVERIFY(userNamed(r.users, QStringLiteral("bob"))->cameras.all);
}

void TestUserCameras::savingIsAtomicAndPrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    QVERIFY(writeAll(path, "alice:" + m_hash + "\n"));
    struct stat before {};
    QCOMPARE(stat(QFile::encodeName(path).constData(), &before), 0);
    QCOMPARE(
        applyUserChange(
            path,
            UserChange{UserChange::Kind::Update, QStringLiteral("alice"), {}, {}, only({QStringLiteral("garden")})})
            .outcome,
        UserChangeResult::Outcome::Done);
    struct stat after {};
    QCOMPARE(stat(QFile::encodeName(path).constData(), &after), 0);
    // A new file renamed over the old one (readers see the old or the new, never half), owner-only,
    // and nothing left beside it.
    QVERIFY(after.st_ino != before.st_ino);
    QCOMPARE(after.st_mode & 0777, 0600u);
    QStringList beside = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    beside.removeAll(QStringLiteral("users.lock"));  // the lock of the read-modify-write stays
    QCOMPARE(beside, QStringList{QStringLiteral("users")});
    QCOMPARE(readAll(path), "alice:" + m_hash + "\n#hlscam-cameras alice garden\n");
}

void TestUserCameras::userChangeSetsAndClears()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    using Outcome = UserChangeResult::Outcome;
    QCOMPARE(applyUserChange(path, {UserChange::Kind::Add, QStringLiteral("alice"), QStringLiteral("a"), Role::Viewer,
                                    only({QStringLiteral("cam0")})})
                 .outcome,
             Outcome::Done);
    // Cameras alone are a change; bad names and an empty list are refused and change nothing.
    QCOMPARE(applyUserChange(
                 path, {UserChange::Kind::Update, QStringLiteral("alice"), {}, {}, only({QStringLiteral("bad name")})})
                 .outcome,
             Outcome::Invalid);
    QCOMPARE(applyUserChange(path, {UserChange::Kind::Update, QStringLiteral("alice"), {}, {}, only({})}).outcome,
             Outcome::Invalid);
    UsersFile file(path);
    QVERIFY(!file.load());
    QCOMPARE(file.find(QStringLiteral("alice"))->cameras, only({QStringLiteral("cam0")}));
    const QByteArray hash = file.find(QStringLiteral("alice"))->hash;
    QCOMPARE(
        applyUserChange(path, {UserChange::Kind::Update, QStringLiteral("alice"), {}, {}, CameraAccess::everyCamera()})
            .outcome,
        Outcome::Done);
    QVERIFY(!file.load());
    QVERIFY(file.find(QStringLiteral("alice"))->cameras.all);
    QCOMPARE(file.find(QStringLiteral("alice"))->hash, hash);  // the password untouched
    QVERIFY(!readAll(path).contains("#hlscam-cameras"));
}

void TestUserCameras::loginsAndTokensCarryTheCameras()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    QVERIFY(writeAll(path, "alice:" + m_hash + "\n#hlscam-cameras alice cam0\nroot:" + m_hash +
                               "\n#hlscam-role root admin\n#hlscam-cameras root cam0\n"));
    Authenticator auth(path, QByteArray(32, 'k'));
    const auto login = [&auth](const QByteArray &credentials) {
        return checkBasicAndWait(auth, "Basic " + credentials.toBase64());
    };
    const AuthResult alice = login("alice:pw");
    QCOMPARE(alice.outcome, AuthResult::Outcome::Ok);
    QCOMPARE(alice.cameras, only({QStringLiteral("cam0")}));
    QCOMPARE(login("alice:pw").cameras, only({QStringLiteral("cam0")}));  // from the credential cache too
    QVERIFY(login("root:pw").cameras.all);                                // an admin sees every camera

    const QByteArray every = auth.issueToken(QStringLiteral("alice"), QStringLiteral("*"), Role::Viewer, 600);
    QCOMPARE(auth.checkToken(every, QStringLiteral("garden")).cameras, only({QStringLiteral("cam0")}));
    // Narrowed on disk: the same token now carries the new list.
    QVERIFY(writeAll(
        path, "alice:" + m_hash + "\n#hlscam-cameras alice garden\n#hlscam-role root admin\nroot:" + m_hash + "\n"));
    auth.reload();
    QCOMPARE(auth.checkToken(every, QStringLiteral("garden")).cameras, only({QStringLiteral("garden")}));
    QCOMPARE(login("alice:pw").cameras, only({QStringLiteral("garden")}));
}

QTEST_GUILESS_MAIN(TestUserCameras)
#include "tst_usercameras.moc"
