// What a DNS-SD responder says about one service, and which of it answers a query: the PTR, SRV,
// TXT and address records of RFC 6763, with RFC 6762's TTLs and cache-flush bits, and the answer
// rules (matching questions, additional records, known-answer suppression, legacy unicast form).
// No sockets: DnsSdAnnouncer sends what this decides.
#pragma once

#include "mdns/DnsMessage.h"

#include <QHostAddress>
#include <QList>

namespace hlscam::dnssd {

// RFC 6762 §10: records naming a host live 120 s, the others 75 minutes.
constexpr quint32 kHostTtl = 120;
constexpr quint32 kServiceTtl = 4500;
constexpr quint32 kLegacyMaxTtl = 10;  // §6.7: legacy unicast answers

dns::Name hlscamType();        // _hlscam._tcp.local
dns::Name webType(bool tls);   // _http._tcp.local or _https._tcp.local
dns::Name servicesMetaType();  // _services._dns-sd._udp.local (RFC 6763 §9)
dns::Name instanceName(const QByteArray &instance, const dns::Name &type);
dns::Name hostName(const QByteArray &host);  // HOST.local

struct Service {
    QByteArray instance;  // UTF-8, at most 63 bytes: "hlscam on pi"
    QByteArray host;      // one label: "pi" (the records say pi.local)
    quint16 port = 0;
    bool tls = false;
    QList<QByteArray> txt;  // key=value strings, the same for both types
};

// Every record of the service, with the addresses of one interface for its A/AAAA records.
QList<dns::Record> records(const Service &service, const QList<QHostAddress> &addresses);

struct Reply {
    QList<dns::Record> answers;
    QList<dns::Record> additionals;
    bool isEmpty() const { return answers.isEmpty(); }
    bool uniqueOnly() const;  // every answer is a unique record: no random delay needed (§6)
};

// The answers to `query` among `ours`: records whose name and type (or ANY) match a question,
// less those the query lists as known answers with at least half their TTL left (§7.1), and as
// additionals what a client will ask next (RFC 6763 §12: SRV, TXT and addresses for a PTR,
// addresses for an SRV).
Reply answer(const QList<dns::Record> &ours, const dns::Message &query);

// A response message: multicast form, or for a legacy unicast query (§6.7) the query's ID and
// questions, no cache-flush bits and TTLs of at most 10 s.
dns::Message response(const Reply &reply, const dns::Message *legacyQuery = nullptr);

}  // namespace hlscam::dnssd
