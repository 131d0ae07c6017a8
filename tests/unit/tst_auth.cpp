// Users file parsing and writing, password hashing, the credential cache and the authenticator.
#include "BasicLogin.h"
#include "auth/Authenticator.h"
#include "auth/CredentialCache.h"
#include "auth/PasswordHash.h"
#include "auth/UsersFile.h"

#include <QFile>
#include <QProcess>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace hlscam;

namespace {

QByteArray basic(const QByteArray &credentials) { return "Basic " + credentials.toBase64(); }

const QByteArray kSecret(32, 'k');

// A line as Apache's own htpasswd writes it (the real tool, from Debian's apache2-utils).
QByteArray htpasswdLine(const char *flag, const QByteArray &user, const QByteArray &password)
{
    QProcess p;
    p.start(QStringLiteral("htpasswd"),
            {QStringLiteral("-nb") + QLatin1String(flag), QString::fromUtf8(user), QString::fromUtf8(password)});
    if (!p.waitForFinished(10000) || p.exitCode() != 0)
        return {};
    return p.readAllStandardOutput().trimmed();
}

void writeFile(const QString &path, const QByteArray &data)
{
    QSaveFile f(path);  // replaced by rename, as `hlscam users add` does
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
    QVERIFY(f.commit());
}

}  // namespace

class TestAuth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void yescryptRoundTrip();
    void bcryptIsAccepted();
    void schemes_data();
    void schemes();
    void parsesGoodFiles();
    void malformedLinesAreReportedAndSkipped_data();
    void malformedLinesAreReportedAndSkipped();
    void rewritingKeepsWhatItDoesNotManage();
    void rewritingIsStableWithStrayCarriageReturns();
    void serializeRoundTripKeepsRoles();
    void tokenParsingIsCanonical();
    void saveIsPrivateAndLoadable();
    void rootKeepsTheServiceUsersOwnership();
    void ensureAdminCreatesOnlyOnce();
    void cacheHitsExpiresAndForgets();
    void cacheIsBounded();
    void authenticatorOutcomes_data();
    void authenticatorOutcomes();
    void concurrentChecksOfTheSameLoginShareOneHash();
    void authenticatorPicksUpAReplacedFile();
    void legacyHashesFromHtpasswd_data();
    void legacyHashesFromHtpasswd();
    void legacyHashIsUpgradedAtLogin();
    void tokens();
    void tokenSecretIsCreatedOnceAndPrivate();

private:
    QByteArray m_aliceHash;  // yescrypt of "alice-pw", computed once (tens of ms each)
};

void TestAuth::initTestCase()
{
    m_aliceHash = hashPassword("alice-pw");
    QVERIFY(m_aliceHash.startsWith("$y$"));
}

void TestAuth::yescryptRoundTrip()
{
    QVERIFY(verifyPassword("alice-pw", m_aliceHash));
    QVERIFY(!verifyPassword("alice-pW", m_aliceHash));
    QVERIFY(!verifyPassword("", m_aliceHash));
    QVERIFY(hashPassword("alice-pw") != m_aliceHash);  // a fresh salt every time
}

void TestAuth::bcryptIsAccepted()
{
    const QByteArray hash = bcryptHash("bob-pw");
    QVERIFY(hash.startsWith("$2y$04$"));
    QCOMPARE(schemeOf(hash), HashScheme::Bcrypt);
    QVERIFY(verifyPassword("bob-pw", hash));
    QVERIFY(!verifyPassword("bob-pw ", hash));
}

void TestAuth::schemes_data()
{
    QTest::addColumn<QByteArray>("hash");
    QTest::addColumn<int>("scheme");
    QTest::newRow("yescrypt") << QByteArray("$y$j9T$abc$def") << int(HashScheme::Yescrypt);
    QTest::newRow("bcrypt 2y") << QByteArray("$2y$10$abc") << int(HashScheme::Bcrypt);
    QTest::newRow("bcrypt 2b") << QByteArray("$2b$10$abc") << int(HashScheme::Bcrypt);
    QTest::newRow("sha1") << QByteArray("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=") << int(HashScheme::Sha1);
    QTest::newRow("apr1") << QByteArray("$apr1$abc$def") << int(HashScheme::Apr1);
    QTest::newRow("md5-crypt") << QByteArray("$1$abc$def") << int(HashScheme::Md5Crypt);
    QTest::newRow("sha512-crypt") << QByteArray("$6$abc$def") << int(HashScheme::ShaCrypt);
    QTest::newRow("des") << QByteArray("rl0uE5hP6b0Hc") << int(HashScheme::DesCrypt);
    QTest::newRow("plain") << QByteArray("secret") << int(HashScheme::Unsupported);
    QTest::newRow("{SHA} too short") << QByteArray("{SHA}abc") << int(HashScheme::Unsupported);
    QTest::newRow("unknown $9$") << QByteArray("$9$abc$def") << int(HashScheme::Unsupported);
}

void TestAuth::schemes()
{
    QFETCH(QByteArray, hash);
    QFETCH(int, scheme);
    QCOMPARE(int(schemeOf(hash)), scheme);
    if (scheme == int(HashScheme::Unsupported)) {
        QVERIFY(describeUnsupported().contains(QLatin1String("hlscam users passwd")));
        QVERIFY(!verifyPassword("secret", hash));  // never accepted, not even plain text
    }
}

void TestAuth::parsesGoodFiles()
{
    const QByteArray text = "# a comment\n\nalice:" + m_aliceHash + "\r\n#hlscam-role alice admin\n" +
                            QString::fromUtf8("jürgen.o'neil@home:").toUtf8() + m_aliceHash + "\n" +
                            "bob:$2y$04$abcdefghijklmnopqrstuu\n";
    const UsersParseResult r = parseUsers(text, QStringLiteral("users"));
    QCOMPARE(r.errors, QStringList());
    QCOMPARE(r.users.size(), 3);
    QCOMPARE(r.users[0].name, QStringLiteral("alice"));
    QCOMPARE(r.users[0].role, Role::Admin);
    QCOMPARE(r.users[0].hash, m_aliceHash);  // the \r of a Windows line end is not part of it
    QCOMPARE(r.users[1].name, QString::fromUtf8("jürgen.o'neil@home"));
    QCOMPARE(r.users[1].role, Role::Viewer);
    QCOMPARE(r.users[2].role, Role::Viewer);
}

void TestAuth::malformedLinesAreReportedAndSkipped_data()
{
    QTest::addColumn<QByteArray>("badLine");
    QTest::addColumn<QString>("message");
    QTest::newRow("no colon") << QByteArray("carol") << "no ':'";
    QTest::newRow("empty name") << QByteArray(":$y$abc") << "1 to 64 bytes";
    QTest::newRow("space in name") << QByteArray("car ol:$y$abc") << "no ':', spaces";
    QTest::newRow("empty hash") << QByteArray("carol:") << "no password hash";
    QTest::newRow("plain text") << QByteArray("carol:secret") << "is refused";
    QTest::newRow("unknown scheme") << QByteArray("carol:$9$x$y") << "plain text or an unknown scheme";
    QTest::newRow("duplicate") << QByteArray("alice:$y$abc") << "already on line 1";
    QTest::newRow("bad role") << QByteArray("#hlscam-role alice root") << "role line";
    QTest::newRow("name not UTF-8") << QByteArray("j\xf6rg:$y$abc") << "not UTF-8";
}

void TestAuth::malformedLinesAreReportedAndSkipped()
{
    QFETCH(QByteArray, badLine);
    QFETCH(QString, message);
    const QByteArray text = "alice:" + m_aliceHash + "\n# fine\n" + badLine + "\nbob:" + m_aliceHash + "\n";
    const UsersParseResult r = parseUsers(text, QStringLiteral("/etc/users"));
    QCOMPARE(r.errors.size(), 1);
    QVERIFY2(r.errors[0].startsWith(QLatin1String("/etc/users:3: ")), qPrintable(r.errors[0]));
    QVERIFY2(r.errors[0].contains(message), qPrintable(r.errors[0]));
    QCOMPARE(r.users.size(), 2);  // the others still load
    QCOMPARE(r.users[0].hash, m_aliceHash);
}

void TestAuth::rewritingKeepsWhatItDoesNotManage()
{
    // A hand-kept file: comments, a blank line, a refused plain-text line, roles.
    const QByteArray text = "# garden camera\nalice:" + m_aliceHash + "\n#hlscam-role alice admin\n\n" +
                            "carol:secret\nbob:" + m_aliceHash + "\n# end\n";
    UsersParseResult r = parseUsers(text, QStringLiteral("f"));
    QCOMPARE(r.errors.size(), 1);
    const QByteArray newHash = bcryptHash("n");
    r.users[0].hash = newHash;  // alice changes her password and becomes a viewer
    r.users[0].role = Role::Viewer;
    r.users.removeAt(1);  // bob is removed
    r.users.append(User{QStringLiteral("dave"), m_aliceHash, Role::Admin});
    QCOMPARE(serializeUsers(r.users, r.lines), "# garden camera\nalice:" + newHash + "\n\ncarol:secret\n# end\ndave:" +
                                                   m_aliceHash + "\n#hlscam-role dave admin\n");
}

void TestAuth::rewritingIsStableWithStrayCarriageReturns()
{
    // Found by fuzz_users: a second CR before the break came back as the line break once the
    // file was rewritten, so a hash (or a kept line) changed between two reads.
    const QByteArray text = "alice:" + m_aliceHash + "\r\r\nnot a user\r\r\n";
    const UsersParseResult r = parseUsers(text, QStringLiteral("f"));
    QCOMPARE(r.users.size(), 1);
    QCOMPARE(r.users[0].hash, m_aliceHash);
    const QByteArray written = serializeUsers(r.users, r.lines);
    const UsersParseResult again = parseUsers(written, QStringLiteral("f"));
    QCOMPARE(again.users[0].hash, m_aliceHash);
    QCOMPARE(serializeUsers(again.users, again.lines), written);
}

void TestAuth::serializeRoundTripKeepsRoles()
{
    const QList<User> users{{QStringLiteral("alice"), m_aliceHash, Role::Admin},
                            {QStringLiteral("bob@x"), bcryptHash("b"), Role::Viewer}};
    const UsersParseResult r = parseUsers(serializeUsers(users), QStringLiteral("f"));
    QCOMPARE(r.errors, QStringList());
    QCOMPARE(r.users.size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(r.users[i].name, users[i].name);
        QCOMPARE(r.users[i].hash, users[i].hash);
        QCOMPARE(r.users[i].role, users[i].role);
    }
}

void TestAuth::saveIsPrivateAndLoadable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    UsersFile file(path);
    QCOMPARE(file.load().message, QString());  // missing file: no users, no error
    QVERIFY(file.users().isEmpty());
    QCOMPARE(file.addOrUpdate({QStringLiteral("alice"), m_aliceHash, Role::Admin}).message, QString());
    QCOMPARE(file.addOrUpdate({QStringLiteral("bad:name"), m_aliceHash, Role::Viewer}).fault, Fault::Config);
    QCOMPARE(file.addOrUpdate({QStringLiteral("plain"), "secret", Role::Viewer}).fault, Fault::Config);
    QCOMPARE(file.save().message, QString());
    const QFile::Permissions perms = QFile::permissions(path);
    QVERIFY(perms.testFlags(QFile::ReadOwner | QFile::WriteOwner));
    QVERIFY(!(perms & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther)));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("users")});  // no temp left

    UsersFile again(path);
    QCOMPARE(again.load().message, QString());
    QCOMPARE(again.users().size(), 1);
    QCOMPARE(again.find(QStringLiteral("alice"))->role, Role::Admin);
    QVERIFY(again.remove(QStringLiteral("alice")));
    QVERIFY(!again.remove(QStringLiteral("alice")));
    QCOMPARE(again.save().message, QString());
    QVERIFY(!UsersFile(path).load());

    UsersFile nowhere(dir.filePath(QStringLiteral("missing-dir/users")));
    QVERIFY(nowhere.save().message.contains(QLatin1String("missing-dir/users")));  // the error names the path
}

// `sudo hlscam users add` on a board: the state dir and users file belong to the service's user;
// root's rewrite (and its lock file) must stay theirs, or the service can no longer read them.
void TestAuth::rootKeepsTheServiceUsersOwnership()
{
    if (::geteuid() != 0)
        QSKIP("needs root (as CI runs) to own files for another user");
    QTemporaryDir dir;
    const struct passwd *nobody = ::getpwnam("nobody");  // NOLINT(concurrency-mt-unsafe): one thread here
    QVERIFY(nobody);
    QCOMPARE(::chown(QFile::encodeName(dir.path()).constData(), nobody->pw_uid, nobody->pw_gid), 0);
    const QString path = dir.filePath(QStringLiteral("users"));
    for (const char *name : {"alice", "bob"}) {  // first a new file, then a rewrite
        const QString error = UsersFile::update(path, [&](UsersFile &f, bool *save) {
                                  *save = true;
                                  return f.addOrUpdate({QString::fromLatin1(name), m_aliceHash, Role::Viewer});
                              }).message;
        QCOMPARE(error, QString());
        for (const QString &file : {path, path + QStringLiteral(".lock")}) {
            struct stat st {};
            QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
            QCOMPARE(st.st_uid, nobody->pw_uid);
            QCOMPARE(st.st_gid, nobody->pw_gid);
        }
    }
}

void TestAuth::ensureAdminCreatesOnlyOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    const Result<std::optional<QString>> created = ensureAdmin(path);
    QVERIFY2(created.ok() && created.value(), qPrintable(created.error().message));
    const std::optional<QString> &password = created.value();
    QVERIFY(password->size() >= 16);
    UsersFile file(path);
    QVERIFY(!file.load());
    QCOMPARE(file.users().size(), 1);
    QCOMPARE(file.users()[0].name, QStringLiteral("admin"));
    QCOMPARE(file.users()[0].role, Role::Admin);
    QVERIFY(verifyPassword(password->toUtf8(), file.users()[0].hash));
    const Result<std::optional<QString>> again = ensureAdmin(path);
    QVERIFY(again.ok());
    QVERIFY(!again.value());

    // A file whose only line is broken is the admin's to fix, never overwritten.
    writeFile(path, "admin:plaintext\n");
    const Result<std::optional<QString>> broken = ensureAdmin(path);
    QVERIFY(broken.ok() && !broken.value());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("admin:plaintext\n"));
}

void TestAuth::cacheHitsExpiresAndForgets()
{
    CredentialCache cache(300);
    QVERIFY(!cache.contains(QStringLiteral("alice"), "pw"));
    cache.insert(QStringLiteral("alice"), "pw");
    cache.insert(QStringLiteral("bob"), "pw");
    QVERIFY(cache.contains(QStringLiteral("alice"), "pw"));
    QVERIFY(!cache.contains(QStringLiteral("alice"), "pw2"));
    QVERIFY(!cache.contains(QStringLiteral("alicep"), "w"));  // name and password are delimited
    cache.removeUser(QStringLiteral("alice"));
    QVERIFY(!cache.contains(QStringLiteral("alice"), "pw"));
    QVERIFY(cache.contains(QStringLiteral("bob"), "pw"));
    cache.advanceClockForTest(qint64{301} * 1000);
    QVERIFY(!cache.contains(QStringLiteral("bob"), "pw"));
    cache.insert(QStringLiteral("bob"), "pw");
    cache.clear();
    QVERIFY(!cache.contains(QStringLiteral("bob"), "pw"));
}

void TestAuth::cacheIsBounded()
{
    CredentialCache cache(300, 8);
    for (int i = 0; i < 100; ++i)
        cache.insert(QStringLiteral("user%1").arg(i), "pw");
    QVERIFY(cache.size() <= 8);
    QVERIFY(cache.contains(QStringLiteral("user99"), "pw"));
}

void TestAuth::authenticatorOutcomes_data()
{
    using O = AuthResult::Outcome;
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("outcome");
    QTest::newRow("ok") << basic("alice:alice-pw") << int(O::Ok);
    QTest::newRow("ok, scheme case") << "basic " + QByteArray("alice:alice-pw").toBase64() << int(O::Ok);
    QTest::newRow("password with colon") << basic("bob:pw:with:colons") << int(O::Ok);
    QTest::newRow("none") << QByteArray() << int(O::NoCredentials);
    QTest::newRow("wrong password") << basic("alice:nope") << int(O::WrongPassword);
    QTest::newRow("unknown user") << basic("mallory:alice-pw") << int(O::UnknownUser);
    QTest::newRow("bearer") << QByteArray("Bearer abc") << int(O::Malformed);
    QTest::newRow("no space") << QByteArray("Basic") << int(O::Malformed);
    QTest::newRow("bad base64") << QByteArray("Basic ***") << int(O::Malformed);
    QTest::newRow("no colon") << basic("alice") << int(O::Malformed);
    QTest::newRow("empty name") << basic(":alice-pw") << int(O::Malformed);
    QTest::newRow("NUL in password") << basic(QByteArray("alice:alice-pw\0x", 16)) << int(O::Malformed);
    QTest::newRow("huge") << basic("alice:" + QByteArray(5000, 'a')) << int(O::Malformed);
    // Found by fuzz_basic: Latin-1 bytes were decoded to U+FFFD, so different names became one.
    QTest::newRow("name not UTF-8") << basic("j\xf6rg:pw") << int(O::Malformed);
    QTest::newRow("UTF-8 name") << basic("j\xc3\xb6rg:pw") << int(O::UnknownUser);
}

void TestAuth::authenticatorOutcomes()
{
    QFETCH(QByteArray, header);
    QFETCH(int, outcome);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    writeFile(path,
              "alice:" + m_aliceHash + "\n#hlscam-role alice admin\nbob:" + hashPassword("pw:with:colons") + "\n");
    Authenticator auth(path, kSecret);
    QCOMPARE(auth.userCount(), 2);
    const AuthResult r = checkBasicAndWait(auth, header);
    QCOMPARE(int(r.outcome), outcome);
    if (r.outcome == AuthResult::Outcome::Ok && r.user == QLatin1String("alice"))
        QCOMPARE(r.role, Role::Admin);
    // The second check of the same credentials is served by the cache with the same answer.
    QCOMPARE(int(checkBasicAndWait(auth, header).outcome), outcome);
}

void TestAuth::concurrentChecksOfTheSameLoginShareOneHash()
{
    // 100 requests with the same login arrive before the first check is done (a proxy in front
    // of many viewers, a player opening connections): all are answered, none gets "busy".
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    writeFile(path, "alice:" + m_aliceHash + "\n");
    Authenticator auth(path, kSecret);
    QObject context;
    QList<AuthResult::Outcome> outcomes;
    for (int i = 0; i < 100; ++i)
        auth.checkBasic(basic("alice:alice-pw"), &context, [&](const AuthResult &r) { outcomes << r.outcome; });
    for (int i = 0; i < 100; ++i)
        auth.checkBasic(basic("alice:wrong"), &context, [&](const AuthResult &r) { outcomes << r.outcome; });
    QTRY_COMPARE_WITH_TIMEOUT(outcomes.size(), 200, 10000);
    QCOMPARE(outcomes.count(AuthResult::Outcome::Ok), 100);
    QCOMPARE(outcomes.count(AuthResult::Outcome::WrongPassword), 100);  // each one still a failure
}

void TestAuth::authenticatorPicksUpAReplacedFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    writeFile(path, "alice:" + m_aliceHash + "\n");
    Authenticator auth(path, kSecret);
    QSignalSpy changed(&auth, &Authenticator::usersChanged);
    QCOMPARE(checkBasicAndWait(auth, basic("alice:alice-pw")).outcome, AuthResult::Outcome::Ok);

    // Another process changes alice's password: the cached success must not outlive it.
    writeFile(path, "alice:" + hashPassword("new-pw") + "\n");
    QTRY_COMPARE_WITH_TIMEOUT(checkBasicAndWait(auth, basic("alice:alice-pw")).outcome,
                              AuthResult::Outcome::WrongPassword, 5000);
    QCOMPARE(checkBasicAndWait(auth, basic("alice:new-pw")).outcome, AuthResult::Outcome::Ok);
    QVERIFY(changed.count() >= 1);

    QFile::remove(path);  // all users gone: nobody gets in
    QTRY_COMPARE_WITH_TIMEOUT(checkBasicAndWait(auth, basic("alice:new-pw")).outcome, AuthResult::Outcome::UnknownUser,
                              5000);
}

void TestAuth::legacyHashesFromHtpasswd_data()
{
    QTest::addColumn<QByteArray>("flag");
    QTest::addColumn<int>("scheme");
    QTest::newRow("htpasswd -m (apr1)") << QByteArray("m") << int(HashScheme::Apr1);
    QTest::newRow("htpasswd -s ({SHA})") << QByteArray("s") << int(HashScheme::Sha1);
    QTest::newRow("htpasswd -d (DES crypt)") << QByteArray("d") << int(HashScheme::DesCrypt);
    QTest::newRow("htpasswd -B (bcrypt)") << QByteArray("B") << int(HashScheme::Bcrypt);
}

void TestAuth::legacyHashesFromHtpasswd()
{
    QFETCH(QByteArray, flag);
    QFETCH(int, scheme);
    // DES crypt uses the first 8 bytes of a password only: keep it to 8 so the check is exact.
    const QByteArray line = htpasswdLine(flag.constData(), "carol", "pass1234");
    QVERIFY2(!line.isEmpty(), "htpasswd (apache2-utils) did not run");
    const QByteArray hash = line.mid(line.indexOf(':') + 1);
    QCOMPARE(int(schemeOf(hash)), scheme);
    QVERIFY(verifyPassword("pass1234", hash));
    QVERIFY(!verifyPassword("pass1235", hash));
    QVERIFY(!verifyPassword("", hash));
    QCOMPARE(isLegacy(schemeOf(hash)), scheme != int(HashScheme::Bcrypt));
}

void TestAuth::legacyHashIsUpgradedAtLogin()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    const QByteArray line = htpasswdLine("m", "dave", "dave-pw");
    QVERIFY(!line.isEmpty());
    writeFile(path, "# brought from an old server\n" + line + "\n");
    Authenticator auth(path, kSecret);
    QCOMPARE(checkBasicAndWait(auth, basic("dave:wrong")).outcome, AuthResult::Outcome::WrongPassword);
    QCOMPARE(schemeOf(auth.users().value(0).hash), HashScheme::Apr1);  // no login yet: unchanged

    QCOMPARE(checkBasicAndWait(auth, basic("dave:dave-pw")).outcome, AuthResult::Outcome::Ok);
    UsersFile file(path);
    QCOMPARE(file.load().message, QString());
    QCOMPARE(file.users().size(), 1);
    QCOMPARE(schemeOf(file.users()[0].hash), HashScheme::Yescrypt);
    QVERIFY(verifyPassword("dave-pw", file.users()[0].hash));
    QTRY_COMPARE_WITH_TIMEOUT(schemeOf(auth.users().value(0).hash), HashScheme::Yescrypt, 5000);
    QCOMPARE(checkBasicAndWait(auth, basic("dave:dave-pw")).outcome, AuthResult::Outcome::Ok);
}

void TestAuth::tokens()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("users"));
    writeFile(path, "alice:" + m_aliceHash + "\n#hlscam-role alice admin\nbob:" + m_aliceHash + "\n");
    Authenticator auth(path, kSecret);
    const QByteArray t = auth.issueToken(QStringLiteral("bob"), QStringLiteral("cam0"), Role::Viewer, 600);
    QVERIFY(!t.isEmpty());
    QVERIFY(t.size() < UrlToken::kMaxLength);
    AuthResult r = auth.checkToken(t, QStringLiteral("cam0"));
    QCOMPARE(r.outcome, AuthResult::Outcome::Ok);
    QCOMPARE(r.user, QStringLiteral("bob"));
    QCOMPARE(r.role, Role::Viewer);
    QCOMPARE(auth.checkToken(t, QStringLiteral("cam1")).outcome, AuthResult::Outcome::BadToken);

    // A viewer asking for an admin token gets a viewer one; an admin's "*" opens every camera.
    const QByteArray up = auth.issueToken(QStringLiteral("bob"), QStringLiteral("cam0"), Role::Admin, 600);
    QCOMPARE(auth.checkToken(up, QStringLiteral("cam0")).role, Role::Viewer);
    const QByteArray all = auth.issueToken(QStringLiteral("alice"), QStringLiteral("*"), Role::Admin, 600);
    QCOMPARE(auth.checkToken(all, QStringLiteral("garage")).outcome, AuthResult::Outcome::Ok);
    QCOMPARE(auth.checkToken(all, QStringLiteral("garage")).role, Role::Admin);

    // Tampering: any changed byte, a token signed with another key, another user's name.
    for (int i = 0; i < t.size(); i += 7) {
        QByteArray bad = t;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        QCOMPARE(auth.checkToken(bad, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken);
    }
    Authenticator other(path, QByteArray(32, 'x'));
    QCOMPARE(other.checkToken(t, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken);
    std::optional<TokenClaims> claims = UrlToken::parse(t);
    QVERIFY(claims);
    QCOMPARE(claims->user, QStringLiteral("bob"));
    claims->user = QStringLiteral("alice");
    const QByteArray forged = UrlToken(QByteArray(32, 'x')).sign(*claims, m_aliceHash);
    QCOMPARE(auth.checkToken(forged, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken);
    for (const QByteArray &junk :
         {QByteArray(), QByteArray("."), QByteArray("a.b"), QByteArray(600, 'a'), QByteArray("%%%.%%%"), t + ".x"})
        QCOMPARE(auth.checkToken(junk, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken);

    // Expired.
    const QByteArray old = auth.issueToken(QStringLiteral("bob"), QStringLiteral("cam0"), Role::Viewer, -1);
    QCOMPARE(auth.checkToken(old, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken);

    // A new password for bob revokes his tokens; alice's stay good.
    writeFile(path, "alice:" + m_aliceHash + "\n#hlscam-role alice admin\nbob:" + hashPassword("new") + "\n");
    QTRY_COMPARE_WITH_TIMEOUT(auth.checkToken(t, QStringLiteral("cam0")).outcome, AuthResult::Outcome::BadToken, 5000);
    QCOMPARE(auth.checkToken(all, QStringLiteral("cam0")).outcome, AuthResult::Outcome::Ok);
}

void TestAuth::tokenParsingIsCanonical()
{
    // Found by fuzz_token: one token, one spelling. Leading zeros in the expiry and names that
    // are not UTF-8 (decoded with U+FFFD) parsed into claims that sign() writes differently.
    const auto token = [](const QByteArray &payload) {
        return payload.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals) + ".x";
    };
    QVERIFY(UrlToken::parse(token("1\nbob\ncam0\nviewer\n1893456000")));
    QVERIFY(UrlToken::parse(token("1\nbob\ncam0\nviewer\n0")));
    QVERIFY(!UrlToken::parse(token("1\nbob\ncam0\nviewer\n01893456000")));
    QVERIFY(!UrlToken::parse(token("1\nj\xf6rg\ncam0\nviewer\n1893456000")));
    QVERIFY(!UrlToken::parse(token("1\nbob\ncam\xff\nviewer\n1893456000")));
    QVERIFY(UrlToken::parse(token("1\nj\xc3\xb6rg\ncam0\nviewer\n1893456000")));
}

void TestAuth::tokenSecretIsCreatedOnceAndPrivate()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("token.key"));
    const Result<QByteArray> a = UrlToken::loadOrCreateSecret(path);
    QVERIFY2(a.ok(), qPrintable(a.error().message));
    QCOMPARE(a.value().size(), 32);
    QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    QCOMPARE(UrlToken::loadOrCreateSecret(path).value(), a.value());
    writeFile(path, "short");
    const Result<QByteArray> refused = UrlToken::loadOrCreateSecret(path);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().fault, Fault::Io);
    QVERIFY2(refused.error().message.contains(QLatin1String("not a 32-byte key")), qPrintable(refused.error().message));
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
