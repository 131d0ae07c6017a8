// [server] announce_backend: the three words it takes, the default, and a clear error (file,
// line, key, what is allowed) for anything else; and which backend each choice gives when the
// setting leaves nothing to chance.
#include "BackendChoice.h"
#include "config/ConfigLoader.h"

#include <QtTest>

using namespace hlscam;

class TestDiscoverySettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void backendSetting_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("backend");  // -1: refused
        QTest::newRow("default") << QByteArray() << int(DiscoveryBackend::Auto);
        QTest::newRow("auto") << QByteArray("announce_backend = auto") << int(DiscoveryBackend::Auto);
        QTest::newRow("avahi") << QByteArray("announce_backend = avahi") << int(DiscoveryBackend::Avahi);
        QTest::newRow("builtin") << QByteArray("announce_backend = builtin") << int(DiscoveryBackend::Builtin);
        QTest::newRow("capitals") << QByteArray("announce_backend = Avahi") << -1;
        QTest::newRow("empty") << QByteArray("announce_backend =") << -1;
        QTest::newRow("other daemon") << QByteArray("announce_backend = mdnsresponder") << -1;
    }
    void backendSetting()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, backend);
        const ConfigResult result = parseConfig("[server]\n" + line + '\n', QStringLiteral("/etc/hlscam/hlscam.conf"));
        if (backend >= 0) {
            QVERIFY(result.ok());
            QCOMPARE(int(result.settings.server.announceBackend), backend);
            return;
        }
        QVERIFY(!result.ok());
        const QString error = result.error->toString();
        QVERIFY2(error.startsWith(QStringLiteral("/etc/hlscam/hlscam.conf:2: [server] announce_backend: ")),
                 qPrintable(error));
        QVERIFY2(error.endsWith(QStringLiteral("is not allowed (allowed: auto, avahi, builtin)")), qPrintable(error));
    }

    // A forced choice is taken as it is; auto for a loopback-only service is always the built-in
    // responder (Avahi announces nothing on the loopback), whatever runs on this machine.
    void forcedAndLoopbackChoices()
    {
        const QHostAddress lan(QStringLiteral("192.168.1.20"));
        QCOMPARE(chooseForAnnouncing(DiscoveryBackend::Avahi, lan).backend, DiscoveryBackend::Avahi);
        QCOMPARE(chooseForAnnouncing(DiscoveryBackend::Builtin, lan).backend, DiscoveryBackend::Builtin);
        QCOMPARE(chooseForBrowsing(DiscoveryBackend::Builtin).backend, DiscoveryBackend::Builtin);
        const BackendChoice loopback = chooseForAnnouncing(DiscoveryBackend::Auto, QHostAddress::LocalHost);
        QCOMPARE(loopback.backend, DiscoveryBackend::Builtin);
        QVERIFY2(loopback.reason.contains(QStringLiteral("loopback")), qPrintable(loopback.reason));
        QCOMPARE(chooseForAnnouncing(DiscoveryBackend::Auto, QHostAddress::LocalHostIPv6).backend,
                 DiscoveryBackend::Builtin);
    }
};

QTEST_GUILESS_MAIN(TestDiscoverySettings)
#include "tst_discoverysettings.moc"
