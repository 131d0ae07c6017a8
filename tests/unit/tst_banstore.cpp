// BanStore and its file: failures are counted in memory only, bans reach the file shortly after
// (written off the event loop) and at the latest when the store goes away, and the failure
// table stays bounded under a flood of addresses.
#include "auth/BanStore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace hlscam;

namespace {
QHostAddress ip(const QString &text) { return QHostAddress(text); }

BanSettings settings(int maxRetry)
{
    BanSettings s;
    s.maxRetry = maxRetry;
    s.findTimeS = 3600;
    s.banTimeS = 3600;
    s.ignoreIp = {QStringLiteral("127.0.0.1")};
    return s;
}

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Inode, modification time and size: any rewrite (atomic replace or in place) changes one.
QString stampOf(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return QStringLiteral("missing");
    return QStringLiteral("inode %1 mtime %2.%3 size %4")
        .arg(st.st_ino)
        .arg(st.st_mtim.tv_sec)
        .arg(st.st_mtim.tv_nsec, 9, 10, QChar(u'0'))
        .arg(st.st_size);
}

void fail(BanStore &store, const QString &address, int times)
{
    for (int i = 0; i < times; ++i)
        store.recordFailure(ip(address), QStringLiteral("wrong-password"));
}
}  // namespace

class TestBanStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void failuresBelowMaxretryDoNotTouchTheFile();
    void banReachesTheFileWithinASecond();
    void banIsOnDiskWhenTheStoreGoesAway();
    void aFloodOfAddressesStaysBounded();
    void theFailureTableIsBounded();
};

void TestBanStore::failuresBelowMaxretryDoNotTouchTheFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bans.json"));
    BanStore store(path, settings(10));
    QCOMPARE(store.load().message, QString());
    // A file with one ban in it, so that there is a file to watch.
    fail(store, QStringLiteral("192.0.2.99"), 10);
    QTRY_VERIFY_WITH_TIMEOUT(contents(path).contains("192.0.2.99"), 2000);
    QTest::qWait(300);  // past any coalesced write still due
    const QString before = stampOf(path);

    fail(store, QStringLiteral("192.0.2.1"), 5);
    fail(store, QStringLiteral("198.51.100.7"), 3);
    QTest::qWait(600);  // longer than the store ever waits before writing
    QCOMPARE(stampOf(path), before);
    QVERIFY(!contents(path).contains("192.0.2.1\""));
    // ...yet they count: the 10th failure bans.
    QVERIFY(!store.isBanned(ip(QStringLiteral("192.0.2.1"))));
    fail(store, QStringLiteral("192.0.2.1"), 5);
    QVERIFY(store.isBanned(ip(QStringLiteral("192.0.2.1"))));
}

void TestBanStore::banReachesTheFileWithinASecond()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bans.json"));
    BanStore store(path, settings(3));
    QCOMPARE(store.load().message, QString());
    // Two bans in a row: the second is due while the first write may still be going on.
    for (const QString &a : {QStringLiteral("203.0.113.5"), QStringLiteral("203.0.113.6")}) {
        fail(store, a, 3);
        QVERIFY(store.isBanned(ip(a)));  // at once, in memory
    }
    QElapsedTimer clock;
    clock.start();
    QTRY_VERIFY_WITH_TIMEOUT(contents(path).contains("203.0.113.5") && contents(path).contains("203.0.113.6"), 1000);
    qInfo("both bans on disk after %lld ms", qint64(clock.elapsed()));
    BanStore reader(path, settings(3));
    QCOMPARE(reader.load().message, QString());
    QVERIFY(reader.isBanned(ip(QStringLiteral("203.0.113.5"))));
    QVERIFY(reader.isBanned(ip(QStringLiteral("203.0.113.6"))));
}

void TestBanStore::banIsOnDiskWhenTheStoreGoesAway()
{
    // The service stopping (SIGTERM) destroys its store right after a ban, before any write
    // was due: the ban is kept all the same.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bans.json"));
    {
        BanStore store(path, settings(2));
        QCOMPARE(store.load().message, QString());
        fail(store, QStringLiteral("203.0.113.9"), 2);
        QVERIFY(store.isBanned(ip(QStringLiteral("203.0.113.9"))));
    }
    BanStore reader(path, settings(2));
    QCOMPARE(reader.load().message, QString());
    QVERIFY2(reader.isBanned(ip(QStringLiteral("203.0.113.9"))), contents(path).constData());
}

void TestBanStore::aFloodOfAddressesStaysBounded()
{
    // One failure from each of 30,000 addresses: the table forgets the quietest, keeps every
    // ban, and the whole flood costs little time on this thread.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bans.json"));
    BanStore store(path, settings(3));
    QCOMPARE(store.load().message, QString());
    fail(store, QStringLiteral("203.0.113.200"), 3);
    QLoggingCategory::setFilterRules(QStringLiteral("hlscam.auth.warning=false"));  // 30,000 lines
    auto logAgain = qScopeGuard([] { QLoggingCategory::setFilterRules({}); });
    QElapsedTimer clock;
    clock.start();
    int done = 0;
    for (; done < 30000 && clock.elapsed() < 15000; ++done)
        store.recordFailure(ip(QStringLiteral("10.%1.%2.%3").arg(done / 65536).arg(done / 256 % 256).arg(done % 256)),
                            QStringLiteral("bad-token"));
    const qint64 ms = clock.elapsed();
    qInfo("%d failures from as many addresses: %lld ms on the event loop", done, ms);
    QVERIFY(store.isBanned(ip(QStringLiteral("203.0.113.200"))));
    QVERIFY2(done == 30000, qPrintable(QStringLiteral("only %1 failures in %2 ms").arg(done).arg(ms)));
    QTRY_VERIFY_WITH_TIMEOUT(contents(path).contains("203.0.113.200"), 2000);
    QTest::qWait(300);
    // The file holds bans only: no trace of the 30,000 failures.
    QVERIFY2(contents(path).size() < 4096, qPrintable(QString::number(contents(path).size())));
}

void TestBanStore::theFailureTableIsBounded()
{
    // Past 20,000 addresses the quietest are forgotten (in batches), never a ban.
    BanList list(settings(3));
    const qint64 t0 = 1'800'000'000'000;
    for (int i = 0; i < 3; ++i)
        list.recordFailure(ip(QStringLiteral("203.0.113.1")), t0 + i);
    for (int i = 0; i < 50000; ++i)
        list.recordFailure(ip(QStringLiteral("10.%1.%2.%3").arg(i / 65536).arg(i / 256 % 256).arg(i % 256)),
                           t0 + 10 + i);
    QVERIFY2(list.size() <= 20000, qPrintable(QString::number(list.size())));
    QVERIFY(list.isBanned(ip(QStringLiteral("203.0.113.1")), t0 + 60000));
    // The newest are the ones remembered.
    QCOMPARE(list.failuresOf(ip(QStringLiteral("10.0.195.79")), t0 + 60000), 1);  // the 49,999th
    QCOMPARE(list.failuresOf(ip(QStringLiteral("10.0.0.1")), t0 + 60000), 0);
}

QTEST_GUILESS_MAIN(TestBanStore)
#include "tst_banstore.moc"
