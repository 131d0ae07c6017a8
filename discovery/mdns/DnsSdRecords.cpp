#include "mdns/DnsSdRecords.h"

namespace hlscam::dnssd {

namespace {

const QByteArray kTcp = QByteArrayLiteral("_tcp");
const QByteArray kLocal = QByteArrayLiteral("local");

dns::Record record(const dns::Name &name, quint16 type, quint32 ttl, bool unique)
{
    dns::Record r;
    r.name = name;
    r.type = type;
    r.ttl = ttl;
    r.cacheFlush = unique;
    return r;
}

bool contains(const QList<dns::Record> &list, const dns::Record &r)
{
    return std::any_of(list.begin(), list.end(), [&r](const dns::Record &o) { return o.sameRecord(r); });
}

// §7.1: the querier already holds this record with at least half its lifetime left.
bool knownAnswer(const dns::Message &query, const dns::Record &r)
{
    return std::any_of(query.answers.begin(), query.answers.end(),
                       [&r](const dns::Record &k) { return k.sameRecord(r) && k.ttl >= r.ttl / 2; });
}

void addAdditional(Reply &reply, const dns::Record &r)
{
    if (!contains(reply.answers, r) && !contains(reply.additionals, r))
        reply.additionals.append(r);
}

}  // namespace

dns::Name hlscamType() { return {QByteArrayLiteral("_hlscam"), kTcp, kLocal}; }

dns::Name webType(bool tls) { return {tls ? QByteArrayLiteral("_https") : QByteArrayLiteral("_http"), kTcp, kLocal}; }

dns::Name servicesMetaType()
{
    return {QByteArrayLiteral("_services"), QByteArrayLiteral("_dns-sd"), QByteArrayLiteral("_udp"), kLocal};
}

dns::Name instanceName(const QByteArray &instance, const dns::Name &type) { return dns::Name{instance} + type; }

dns::Name hostName(const QByteArray &host) { return {host, kLocal}; }

QList<dns::Record> records(const Service &s, const QList<QHostAddress> &addresses)
{
    QList<dns::Record> out;
    const dns::Name host = hostName(s.host);
    for (const dns::Name &type : {hlscamType(), webType(s.tls)}) {
        const dns::Name instance = instanceName(s.instance, type);
        dns::Record meta = record(servicesMetaType(), dns::PTR, kServiceTtl, false);
        meta.target = type;
        out.append(meta);
        dns::Record ptr = record(type, dns::PTR, kServiceTtl, false);
        ptr.target = instance;
        out.append(ptr);
        dns::Record srv = record(instance, dns::SRV, kHostTtl, true);
        srv.port = s.port;
        srv.target = host;
        out.append(srv);
        dns::Record txt = record(instance, dns::TXT, kServiceTtl, true);
        txt.txt = s.txt;
        out.append(txt);
    }
    for (const QHostAddress &a : addresses) {
        const bool v4 = a.protocol() == QAbstractSocket::IPv4Protocol;
        dns::Record r = record(host, v4 ? dns::A : dns::AAAA, kHostTtl, true);
        r.address = QHostAddress(v4 ? a : QHostAddress(a.toIPv6Address()));  // without a scope id
        out.append(r);
    }
    return out;
}

bool Reply::uniqueOnly() const
{
    return std::all_of(answers.begin(), answers.end(), [](const dns::Record &r) { return r.cacheFlush; });
}

Reply answer(const QList<dns::Record> &ours, const dns::Message &query)
{
    Reply reply;
    for (const dns::Question &q : query.questions) {
        if (q.qclass != dns::kClassIn && q.qclass != dns::ANY)
            continue;
        for (const dns::Record &r : ours) {
            if ((q.type == r.type || q.type == dns::ANY) && dns::sameName(q.name, r.name) && !knownAnswer(query, r) &&
                !contains(reply.answers, r))
                reply.answers.append(r);
        }
    }
    // What the answers point to, two steps deep (PTR -> SRV -> addresses).
    for (int depth = 0; depth < 2; ++depth) {
        const QList<dns::Record> given = reply.answers + reply.additionals;
        for (const dns::Record &a : given) {
            if (a.type != dns::PTR && a.type != dns::SRV)
                continue;
            for (const dns::Record &r : ours) {
                const bool describesInstance =
                    a.type == dns::PTR && dns::sameName(r.name, a.target) && (r.type == dns::SRV || r.type == dns::TXT);
                const bool addressOfHost =
                    a.type == dns::SRV && dns::sameName(r.name, a.target) && (r.type == dns::A || r.type == dns::AAAA);
                if (describesInstance || addressOfHost)
                    addAdditional(reply, r);
            }
        }
    }
    return reply;
}

dns::Message response(const Reply &reply, const dns::Message *legacyQuery)
{
    dns::Message m;
    m.flags = dns::kFlagResponse | dns::kFlagAuthoritative;
    m.answers = reply.answers;
    m.additionals = reply.additionals;
    if (!legacyQuery)
        return m;
    m.id = legacyQuery->id;
    m.questions = legacyQuery->questions;
    for (dns::Question &q : m.questions)
        q.unicastResponse = false;
    for (QList<dns::Record> *section : {&m.answers, &m.additionals}) {
        for (dns::Record &r : *section) {
            r.cacheFlush = false;  // a legacy resolver would take the bit for part of the class
            r.ttl = std::min(r.ttl, kLegacyMaxTtl);
        }
    }
    return m;
}

}  // namespace hlscam::dnssd
