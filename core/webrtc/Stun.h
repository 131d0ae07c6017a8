// STUN (RFC 5389) as an ICE-lite agent needs it (RFC 8445): a binding request parsed with every
// length bounded, its MESSAGE-INTEGRITY (HMAC-SHA1 keyed with our ICE password) and FINGERPRINT
// (CRC-32) checked, and the success response built with XOR-MAPPED-ADDRESS. Pure functions: no
// socket here.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

namespace hlscam::stun {

constexpr int kHeaderSize = 20;
constexpr int kMaxMessage = 1280;  // far above what a browser sends; anything longer is refused
constexpr int kMaxAttributes = 32;
constexpr quint16 kBindingRequest = 0x0001;
constexpr quint16 kBindingSuccess = 0x0101;

// The first bytes of a STUN message (RFC 7983's demultiplexing: first byte 0..3, the cookie).
bool looksLikeStun(QByteArrayView datagram);

struct Message {
    quint16 type = 0;
    QByteArray transactionId;  // 12 bytes
    QByteArray username;       // USERNAME, "ours:theirs" in ICE; empty when absent
    quint32 priority = 0;
    bool useCandidate = false;
    bool controlling = false;          // ICE-CONTROLLING present
    qsizetype integrityOffset = -1;    // where MESSAGE-INTEGRITY starts; -1 when absent
    qsizetype fingerprintOffset = -1;  // where FINGERPRINT starts; -1 when absent
    QHostAddress mappedAddress;        // XOR-MAPPED-ADDRESS, when present (responses)
    quint16 mappedPort = 0;
};

// A well-formed message, or why not: lengths, attribute order (only FINGERPRINT may follow
// MESSAGE-INTEGRITY, nothing FINGERPRINT) and a FINGERPRINT that matches when present.
Result<Message> parse(QByteArrayView datagram);

// Whether `datagram`'s MESSAGE-INTEGRITY (as `message` was parsed from it) is keyed with `key`.
bool integrityMatches(QByteArrayView datagram, const Message &message, QByteArrayView key);

// The binding success response to `request`, from `address`:`port`, signed with `key` (our ICE
// password) and fingerprinted.
QByteArray bindingSuccess(const Message &request, const QHostAddress &address, quint16 port, QByteArrayView key);

// A binding request as a browser's ICE agent sends it (for tests and the fuzz target's seeds).
QByteArray bindingRequest(const QByteArray &transactionId, const QByteArray &username, QByteArrayView key,
                          bool useCandidate);

// A bare binding request (no credentials, FINGERPRINT only), as a client asks a STUN server
// at which address it sees us.
QByteArray plainBindingRequest(const QByteArray &transactionId);

// CRC-32 (ISO 3309, as zlib's): FINGERPRINT's checksum.
quint32 crc32(QByteArrayView data);

}  // namespace hlscam::stun
