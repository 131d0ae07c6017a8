// The network a client counts in for max_connections_per_network: IPv4 /24, IPv6 /64.
#include "auth/AddressSet.h"
#include "net/NetworkOf.h"

#include <QtTest>

using namespace hlscam;

class TestNetworkOf : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void networks_data();
    void networks();
};

void TestNetworkOf::networks_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("network");
    QTest::newRow("IPv4") << "192.0.2.77"
                          << "192.0.2.0/24";
    QTest::newRow("IPv4, network address") << "192.0.2.0"
                                           << "192.0.2.0/24";
    QTest::newRow("IPv4, last of it") << "192.0.2.255"
                                      << "192.0.2.0/24";
    QTest::newRow("loopback") << "127.0.1.9"
                              << "127.0.1.0/24";
    QTest::newRow("IPv4 mapped, made canonical") << "::ffff:198.51.100.4"
                                                 << "198.51.100.0/24";
    QTest::newRow("IPv6") << "2001:db8:1:2:aaaa:bbbb:cccc:dddd"
                          << "2001:db8:1:2::/64";
    QTest::newRow("IPv6, other /64") << "2001:db8:1:3::1"
                                     << "2001:db8:1:3::/64";
    QTest::newRow("IPv6 loopback") << "::1"
                                   << "::/64";
    QTest::newRow("IPv6 with a scope") << "fe80::1%lo"
                                       << "fe80::/64";
}

void TestNetworkOf::networks()
{
    QFETCH(QString, address);
    QFETCH(QString, network);
    QCOMPARE(networkOf(canonicalAddress(QHostAddress(address))), network);
}

QTEST_GUILESS_MAIN(TestNetworkOf)
#include "tst_networkof.moc"
