// Announces this service on the LAN with multicast DNS service discovery (RFC 6762/6763), so
// the desktop app and generic browsers find it without typing an address: `_hlscam._tcp.local`
// for hlscam's own clients, and `_http._tcp` (`_https._tcp` with TLS) so any DNS-SD browser
// lists the viewer page. A small responder of its own on UDP 5353 (shared with Avahi when it
// runs), no daemon needed: it probes its instance name and renames itself on a conflict
// ("hlscam on pi (2)"; after more than 15 conflicts within 10 s it probes at most every 5 s until
// 10 s pass without one, and never gives up), announces three times, answers queries from the link (multicast, and
// legacy unicast from other ports), and says goodbye when it stops.
#pragma once

#include "Announcement.h"
#include "Error.h"
#include "mdns/DnsSdRecords.h"
#include "mdns/LinkInterfaces.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

class QNetworkDatagram;

namespace hlscam {

class MdnsSocket;

class DnsSdAnnouncer : public QObject {
    Q_OBJECT
public:
    // The name (empty: defaultName()), the HTTP port, whether it is HTTPS, and the address the
    // HTTP server listens on (a wildcard: announced on every link; one address: only where that
    // address is, so a service on 127.0.0.1 is announced on the loopback alone).
    explicit DnsSdAnnouncer(const Announcement &announcement, QObject *parent = nullptr);
    ~DnsSdAnnouncer() override;  // says goodbye

    // "hlscam on HOST", HOST being this machine's host name.
    static QString defaultName();

    // Opens UDP 5353 and begins probing; fails (Fault::Io) when the port cannot be bound.
    Error start();
    // Goodbye packets (TTL 0) for every record, then silence. start() may follow.
    void stop();
    // The name in use: the configured one, or with " (N)" after a conflict.
    QString instanceName() const { return QString::fromUtf8(m_service.instance); }
    bool isAnnounced() const { return m_state == State::Announced; }

private:
    enum class State { Stopped, Probing, Announced };

    void onDatagram(const QNetworkDatagram &d);
    void onResponse(const dns::Message &m);
    void onProbe(const dns::Message &m);
    void answer(const dns::Message &query, const QNetworkDatagram &d, const LinkInterface &link);
    void beginProbing(int delayMs);
    void probeStep();
    void announceStep();
    void refreshInterfaces();
    void rename();
    // Records a conflict; how long to wait before probing the next name (RFC 6762 §8.1).
    int conflictDelayMs();
    QList<dns::Record> recordsOn(const LinkInterface &link) const;
    QList<LinkInterface> reachableLinks() const;
    void sendMulticast(const LinkInterface &link, const QList<dns::Record> &answers,
                       const QList<dns::Record> &additionals = {}, qint64 gapMs = 1000);
    bool unicastAllowed();

    dnssd::Service m_service;
    Announcement m_announcement;
    QByteArray m_baseName;
    int m_renames = 0;
    QList<qint64> m_conflicts;  // when the last (at most 16) conflicts came, m_clock time
    bool m_throttled = false;
    State m_state = State::Stopped;
    MdnsSocket *m_socket = nullptr;
    QList<LinkInterface> m_links;
    QTimer m_step;  // probes 250 ms apart, then announcements 1 s apart
    int m_stepsLeft = 0;
    QTimer m_interfaceCheck;
    // §6: a record is multicast on an interface at most once a second.
    QHash<QString, qint64> m_lastMulticast;
    QElapsedTimer m_clock;
    qint64 m_unicastWindowStart = 0;
    int m_unicastInWindow = 0;
};

}  // namespace hlscam
