// DNS messages as multicast DNS (RFC 6762) and DNS-SD (RFC 6763) use them: the wire format read
// and written, for the record types a service announcement needs (PTR, SRV, TXT, A, AAAA; other
// types are kept as opaque bytes). The parser reads what any host on the LAN sends, so it checks
// every length and pointer and refuses the whole packet at the first thing wrong.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <optional>

namespace hlscam::dns {

enum Type : quint16 { A = 1, PTR = 12, TXT = 16, AAAA = 28, SRV = 33, ANY = 255 };
constexpr quint16 kClassIn = 1;
constexpr quint16 kFlagResponse = 0x8000;       // QR
constexpr quint16 kFlagAuthoritative = 0x0400;  // AA, set on every mDNS response (RFC 6762 §18.4)
// RFC 6762 §17: a multicast DNS packet is at most 9000 bytes; larger input is not even parsed.
constexpr int kMaxMessageBytes = 9000;
constexpr int kMaxLabelBytes = 63;
constexpr int kMaxNameBytes = 255;  // on the wire, length bytes and final zero included

// A domain name as its labels, without the root: {"hlscam on pi", "_hlscam", "_tcp", "local"}.
// Labels are bytes (instance names are UTF-8 and may hold dots and spaces).
using Name = QList<QByteArray>;

bool sameName(const Name &a, const Name &b);  // DNS compares ASCII letters case-insensitively
QString toString(const Name &name);           // for logs: labels joined by dots

struct Question {
    Name name;
    quint16 type = 0;
    quint16 qclass = kClassIn;
    bool unicastResponse = false;  // the QU bit, top bit of the class (RFC 6762 §5.4)
};

struct Record {
    Name name;
    quint16 type = 0;
    quint16 rrclass = kClassIn;
    bool cacheFlush = false;  // top bit of the class: this record replaces others of its set
    quint32 ttl = 0;

    // The data, read for the types above.
    Name target;                                 // PTR; SRV's host
    quint16 priority = 0, weight = 0, port = 0;  // SRV
    QList<QByteArray> txt;                       // TXT: its strings ("key=value")
    QHostAddress address;                        // A, AAAA
    QByteArray rdata;                            // any other type, as received

    // Same name, type, class and data (TTL and cache-flush bit aside): the same record.
    bool sameRecord(const Record &other) const;
};

struct Message {
    quint16 id = 0;
    quint16 flags = 0;
    QList<Question> questions;
    QList<Record> answers;
    QList<Record> authorities;
    QList<Record> additionals;

    bool isResponse() const { return flags & kFlagResponse; }
};

// The message in `packet`, or nothing when anything in it is malformed: truncated, a length past
// the end, a compression pointer that does not point back, a label over 63 bytes, a name over
// 255, an address of the wrong size, trailing bytes, or a packet over kMaxMessageBytes.
std::optional<Message> parse(QByteArrayView packet);

// The wire form, names compressed; empty when a name cannot be written (a label over 63 bytes or
// empty, a name over 255) or a TXT string over 255 bytes.
QByteArray encode(const Message &message);

// TXT strings of the form key=value: the value of `key` (case-insensitive, RFC 6763 §6.4),
// nothing when absent.
std::optional<QByteArray> txtValue(const QList<QByteArray> &txt, QByteArrayView key);

}  // namespace hlscam::dns
