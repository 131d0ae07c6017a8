// Finds hlscam services on the LAN (`_hlscam._tcp.local`, announced by DnsSdAnnouncer): a
// multicast DNS querier (RFC 6762 §5.2) that asks on every link interface, follows PTR -> SRV/TXT
// -> A/AAAA, keeps what it learnt until the TTLs run out (asking again at 80-95 % of a TTL, as a
// cache should), and tells the owner when a service appears, changes or says goodbye. Bounded:
// at most kMaxRecords records and kMaxServices services are kept, whatever the LAN sends.
#pragma once

#include "DnsSdService.h"
#include "Error.h"
#include "Limits.h"
#include "mdns/DnsMessage.h"
#include "mdns/LinkInterfaces.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

class QNetworkDatagram;

namespace hlscam {

class MdnsSocket;

class DnsSdBrowser : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxRecords = limits::kMdnsRecords;
    static constexpr int kMaxServices = limits::kMdnsServices;

    explicit DnsSdBrowser(QObject *parent = nullptr);
    ~DnsSdBrowser() override;

    // Opens UDP 5353 (shared), or an ephemeral port when 5353 cannot be had (then only the
    // answers to its own queries arrive, and goodbyes are missed until a TTL ends), and queries.
    // Fails (Fault::Io) when neither can be bound.
    Error start();
    void stop();
    // Queries now, and again after 1, 2, 4... seconds (what a "Search again" button wants).
    void refresh();
    QList<DnsSdService> services() const { return m_services.values(); }
    bool hearsGoodbyes() const;  // port 5353 was had

Q_SIGNALS:
    // A service was found, or one already found changed (address, port, TXT): the same
    // instanceName replaces the earlier one.
    void serviceFound(const hlscam::DnsSdService &service);
    // It said goodbye, or its records expired.
    void serviceRemoved(const QString &instanceName);

private:
    struct Cached {
        dns::Record record;
        qint64 receivedMs = 0;
        int interfaceIndex = 0;
        int refreshesSent = 0;  // of the four at 80, 85, 90 and 95 % of the TTL
        qint64 expiresMs() const { return receivedMs + qint64(record.ttl) * 1000; }
    };

    void onDatagram(const QNetworkDatagram &d);
    void store(const dns::Record &r, int interfaceIndex, qint64 now);
    bool wanted(const dns::Record &r) const;
    void sendQuery();
    void maintain();
    void reconcile();
    void ask(QList<dns::Question> questions);

    MdnsSocket *m_socket = nullptr;
    QList<LinkInterface> m_links;
    QList<Cached> m_cache;
    QHash<QString, DnsSdService> m_services;
    QHash<QString, qint64> m_lastAsked;  // follow-up questions, at most one a second per name
    QTimer m_queryTimer;
    int m_queryIntervalMs = 1000;
    QTimer m_maintenance;
    QElapsedTimer m_clock;
};

}  // namespace hlscam
