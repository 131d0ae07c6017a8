// IPv6 clients are counted and banned per network of [bans] ipv6_prefix bits (default 64; 128:
// per address): listed as the network, lifted by any address in it or by the network.
#include "auth/BanList.h"
#include "auth/BanStore.h"
#include "config/ConfigLoader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace hlscam;

namespace {
const qint64 kStart = 1'800'000'000'000;

QHostAddress ip(const char *text) { return QHostAddress(QString::fromLatin1(text)); }

BanSettings settings(int maxRetry, int ipv6Prefix = 64)
{
    BanSettings s;
    s.maxRetry = maxRetry;
    s.findTimeS = 3600;
    s.banTimeS = 3600;
    s.ignoreIp = {QStringLiteral("::1")};
    s.ipv6Prefix = ipv6Prefix;
    return s;
}
}  // namespace

class TestBanIpv6 : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keys_data();
    void keys();
    void failuresCountPerNetwork();
    void prefix128CountsEachAddress();
    void unbanByAnyAddressOrTheNetwork();
    void storeListsAndUnbansTheNetwork();
    void fileWrittenUnderAnotherPrefix();
    void configKey();
};

void TestBanIpv6::keys_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("prefix");
    QTest::addColumn<QString>("key");
    QTest::newRow("v6 /64") << "2001:db8::1" << 64 << "2001:db8::/64";
    QTest::newRow("v6 /64, host bits") << "2001:db8:1:2:aaaa:bbbb:cccc:dddd" << 64 << "2001:db8:1:2::/64";
    QTest::newRow("v6 /56") << "2001:db8:1:2ff::1" << 56 << "2001:db8:1:200::/56";
    QTest::newRow("v6 /128") << "2001:db8::1" << 128 << "2001:db8::1";
    QTest::newRow("v4 stays an address") << "203.0.113.7" << 64 << "203.0.113.7";
    QTest::newRow("v4-mapped is v4") << "::ffff:203.0.113.7" << 64 << "203.0.113.7";
    QTest::newRow("scope dropped") << "fe80::1%eth0" << 64 << "fe80::/64";
}

void TestBanIpv6::keys()
{
    QFETCH(QString, address);
    QFETCH(int, prefix);
    QFETCH(QString, key);
    QCOMPARE(BanList::keyOf(QHostAddress(address), prefix), key);
}

void TestBanIpv6::failuresCountPerNetwork()
{
    BanList list(settings(10));
    // Ten addresses of one /64, one failure each: the network is banned, all of it.
    for (int i = 1; i <= 10; ++i) {
        const BanList::Failure f = list.recordFailure(QHostAddress(QStringLiteral("2001:db8::%1").arg(i)), kStart + i);
        QCOMPARE(f.failures, i);
        QCOMPARE(f.banned, i == 10);
    }
    QVERIFY(list.isBanned(ip("2001:db8::2"), kStart + 20));
    QVERIFY(list.isBanned(ip("2001:db8::ffff:1"), kStart + 20));
    QVERIFY(!list.isBanned(ip("2001:db8:0:1::1"), kStart + 20));  // the next /64
    const QList<BanInfo> bans = list.bans(kStart + 20);
    QCOMPARE(bans.size(), 1);
    QCOMPARE(bans.first().address, QStringLiteral("2001:db8::/64"));
    QVERIFY(list.toJson().contains("\"2001:db8::/64\""));
}

void TestBanIpv6::prefix128CountsEachAddress()
{
    BanList list(settings(3, 128));
    for (int i = 1; i <= 9; ++i)
        QVERIFY(!list.recordFailure(QHostAddress(QStringLiteral("2001:db8::%1").arg(i)), kStart + i).banned);
    for (int i = 0; i < 3; ++i)
        list.recordFailure(ip("2001:db8::1"), kStart + 100 + i);
    QVERIFY(list.isBanned(ip("2001:db8::1"), kStart + 200));
    QVERIFY(!list.isBanned(ip("2001:db8::2"), kStart + 200));
    QCOMPARE(list.bans(kStart + 200).first().address, QStringLiteral("2001:db8::1"));
}

void TestBanIpv6::unbanByAnyAddressOrTheNetwork()
{
    BanList list(settings(1));
    QVERIFY(list.recordFailure(ip("2001:db8::1"), kStart).banned);
    QVERIFY(list.unban(ip("2001:db8::abcd")));  // another address of the same /64
    QVERIFY(!list.isBanned(ip("2001:db8::1"), kStart + 1));

    QVERIFY(list.recordFailure(ip("2001:db8::1"), kStart + 2).banned);
    QVERIFY(list.recordFailure(ip("2001:db8:0:7::1"), kStart + 2).banned);
    QVERIFY(list.recordFailure(ip("2001:db9::1"), kStart + 2).banned);
    QCOMPARE(list.unbanWithin(ip("2001:db8::"), 64), QStringList{QStringLiteral("2001:db8::/64")});
    // A wider network lifts every ban inside it, and only those.
    QCOMPARE(list.unbanWithin(ip("2001:db8::"), 32), QStringList{QStringLiteral("2001:db8:0:7::/64")});
    QVERIFY(list.isBanned(ip("2001:db9::1"), kStart + 3));
    QVERIFY(list.unbanWithin(ip("2001:db8::"), 32).isEmpty());
}

void TestBanIpv6::storeListsAndUnbansTheNetwork()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bans.json"));
    BanStore store(path, settings(2));
    QCOMPARE(store.load().message, QString());
    store.recordFailure(ip("2001:db8::1"), QStringLiteral("wrong-password"));
    store.recordFailure(ip("2001:db8::2"), QStringLiteral("wrong-password"));
    QVERIFY(store.isBanned(ip("2001:db8::3")));
    QCOMPARE(store.bans().first().address, QStringLiteral("2001:db8::/64"));
    QCOMPARE(store.flush().message, QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(f.readAll().contains("\"2001:db8::/64\""));

    // `hlscam bans unban 2001:db8::/64` does this in another process.
    BanStore command(path, settings(2));
    QCOMPARE(command.load().message, QString());
    QVERIFY(command.isBanned(ip("2001:db8::77")));
    const Result<QStringList> lifted = command.unban(ip("2001:db8::"), 64, QStringLiteral("test"));
    QVERIFY2(lifted.ok(), qPrintable(lifted.error().message));
    QCOMPARE(lifted.value(), QStringList{QStringLiteral("2001:db8::/64")});
    BanStore reader(path, settings(2));
    QCOMPARE(reader.load().message, QString());
    QVERIFY(!reader.isBanned(ip("2001:db8::1")));
}

void TestBanIpv6::fileWrittenUnderAnotherPrefix()
{
    // A file from before (per address) read with the default: the ban covers its /64 now.
    BanList list(settings(5));
    QCOMPARE(list.fromJson(
                     R"({"version":1,"addresses":{"2001:db8::5":{"banned_at":1,"banned_until":-1,"bans":1},
                                "203.0.113.1":{"failures":[1,2],"banned_at":0,"banned_until":0,"bans":0}}})")
                 .message,
             QString());
    QVERIFY(list.isBanned(ip("2001:db8::6"), kStart));
    QCOMPARE(list.bans(kStart).size(), 1);
    QCOMPARE(list.failuresOf(ip("203.0.113.1"), 3), 0);  // failures are not read back
}

void TestBanIpv6::configKey()
{
    QCOMPARE(parseConfig("[bans]\nipv6_prefix = 48\n", QStringLiteral("t.conf")).settings.bans.ipv6Prefix, 48);
    QCOMPARE(parseConfig("", QStringLiteral("t.conf")).settings.bans.ipv6Prefix, 64);
    const ConfigResult bad = parseConfig("[bans]\nipv6_prefix = 129\n", QStringLiteral("t.conf"));
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error->toString().startsWith(QStringLiteral("t.conf:2: [bans] ipv6_prefix:")),
             qPrintable(bad.error->toString()));
}

QTEST_GUILESS_MAIN(TestBanIpv6)
#include "tst_banipv6.moc"
