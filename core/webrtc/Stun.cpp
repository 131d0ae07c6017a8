#include "webrtc/Stun.h"
#include "webrtc/BigEndian.h"

#include <QMessageAuthenticationCode>
#include <QtEndian>
#include <array>

namespace hlscam::stun {

namespace {

using wire::append16;
using wire::append32;
using wire::read16;
using wire::read32;

constexpr quint32 kMagicCookie = 0x2112A442;
constexpr quint32 kFingerprintXor = 0x5354554e;
constexpr quint16 kUsername = 0x0006;
constexpr quint16 kMessageIntegrity = 0x0008;
constexpr quint16 kXorMappedAddress = 0x0020;
constexpr quint16 kPriority = 0x0024;
constexpr quint16 kUseCandidate = 0x0025;
constexpr quint16 kFingerprint = 0x8028;
constexpr quint16 kIceControlling = 0x802A;
constexpr int kIntegritySize = 20;
constexpr int kMaxUsername = 513;  // RFC 5389 15.3

void appendAttribute(QByteArray &out, quint16 type, QByteArrayView value)
{
    append16(out, type);
    append16(out, quint16(value.size()));
    out.append(value.data(), value.size());
    while (out.size() % 4)
        out.append('\0');
}

// Sets the header's length as if the message ended `end` bytes in (RFC 5389 15.4 and 15.5).
void setLength(QByteArray &out, qsizetype end) { qToBigEndian<quint16>(quint16(end - kHeaderSize), out.data() + 2); }

QByteArray hmacSha1(QByteArrayView key, QByteArrayView data)
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha1, key.toByteArray());
    mac.addData(data.data(), data.size());
    return mac.result();
}

// MESSAGE-INTEGRITY then FINGERPRINT, appended to a message whose attributes are all written.
void sign(QByteArray &out, QByteArrayView key)
{
    setLength(out, out.size() + 4 + kIntegritySize);
    appendAttribute(out, kMessageIntegrity, hmacSha1(key, out));
    setLength(out, out.size() + 8);
    QByteArray crc;
    append32(crc, crc32(out) ^ kFingerprintXor);
    appendAttribute(out, kFingerprint, crc);
}

Error malformed(const QString &why) { return Error{Fault::Other, QStringLiteral("malformed STUN message: ") + why}; }

}  // namespace

quint32 crc32(QByteArrayView data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 c = 0xFFFFFFFFu;
    for (char ch : data)
        c = table[(c ^ quint8(ch)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

bool looksLikeStun(QByteArrayView d)
{
    return d.size() >= kHeaderSize && quint8(d[0]) < 4 && read32(d, 4) == kMagicCookie;
}

Result<Message> parse(QByteArrayView d)
{
    if (d.size() > kMaxMessage)
        return malformed(QStringLiteral("longer than %1 bytes").arg(kMaxMessage));
    if (!looksLikeStun(d))
        return malformed(QStringLiteral("no STUN header"));
    const qsizetype length = read16(d, 2);
    if (length % 4 || length != d.size() - kHeaderSize)
        return malformed(QStringLiteral("the length does not match the datagram"));
    Message m;
    m.type = read16(d, 0);
    m.transactionId = d.sliced(8, 12).toByteArray();
    qsizetype pos = kHeaderSize;
    for (int count = 0; pos < d.size(); ++count) {
        if (count >= kMaxAttributes)
            return malformed(QStringLiteral("too many attributes"));
        if (pos + 4 > d.size())
            return malformed(QStringLiteral("a truncated attribute header"));
        const quint16 type = read16(d, pos);
        const qsizetype size = read16(d, pos + 2);
        const qsizetype padded = (size + 3) & ~qsizetype(3);
        if (pos + 4 + padded > d.size())
            return malformed(QStringLiteral("an attribute runs past the end"));
        if (m.fingerprintOffset >= 0)
            return malformed(QStringLiteral("an attribute after FINGERPRINT"));
        if (m.integrityOffset >= 0 && type != kFingerprint)
            return malformed(QStringLiteral("an attribute other than FINGERPRINT after MESSAGE-INTEGRITY"));
        const QByteArrayView value = d.sliced(pos + 4, size);
        switch (type) {
        case kUsername:
            if (size == 0 || size > kMaxUsername)
                return malformed(QStringLiteral("a USERNAME of %1 bytes").arg(size));
            m.username = value.toByteArray();
            break;
        case kMessageIntegrity:
            if (size != kIntegritySize)
                return malformed(QStringLiteral("MESSAGE-INTEGRITY is not 20 bytes"));
            m.integrityOffset = pos;
            break;
        case kFingerprint: {
            if (size != 4)
                return malformed(QStringLiteral("FINGERPRINT is not 4 bytes"));
            QByteArray covered = d.first(pos).toByteArray();
            setLength(covered, pos + 8);
            if ((crc32(covered) ^ kFingerprintXor) != read32(value, 0))
                return malformed(QStringLiteral("the FINGERPRINT does not match"));
            m.fingerprintOffset = pos;
            break;
        }
        case kPriority:
            if (size != 4)
                return malformed(QStringLiteral("PRIORITY is not 4 bytes"));
            m.priority = read32(value, 0);
            break;
        case kUseCandidate: m.useCandidate = true; break;
        case kIceControlling: m.controlling = true; break;
        case kXorMappedAddress: {
            if (size < 8)
                return malformed(QStringLiteral("XOR-MAPPED-ADDRESS too short"));
            const int family = quint8(value[1]);
            m.mappedPort = read16(value, 2) ^ quint16(kMagicCookie >> 16);
            if (family == 1 && size == 8) {
                m.mappedAddress = QHostAddress(read32(value, 4) ^ kMagicCookie);
            } else if (family == 2 && size == 20) {
                Q_IPV6ADDR a;
                for (int i = 0; i < 16; ++i)
                    a[i] = quint8(value[4 + i]) ^ quint8(i < 4 ? kMagicCookie >> (24 - 8 * i) : quint8(d[8 + i - 4]));
                m.mappedAddress = QHostAddress(a);
            } else {
                return malformed(QStringLiteral("XOR-MAPPED-ADDRESS of an unknown family"));
            }
            break;
        }
        default: break;  // comprehension-optional or unneeded: skipped
        }
        pos += 4 + padded;
    }
    return m;
}

bool integrityMatches(QByteArrayView d, const Message &m, QByteArrayView key)
{
    if (m.integrityOffset < kHeaderSize || m.integrityOffset + 4 + kIntegritySize > d.size())
        return false;
    QByteArray covered = d.first(m.integrityOffset).toByteArray();
    setLength(covered, m.integrityOffset + 4 + kIntegritySize);
    const QByteArray expected = hmacSha1(key, covered);
    const QByteArrayView got = d.sliced(m.integrityOffset + 4, kIntegritySize);
    unsigned char diff = 0;  // constant time: the key is the session's secret
    for (int i = 0; i < kIntegritySize; ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ got[i]);
    return diff == 0;
}

QByteArray bindingSuccess(const Message &request, const QHostAddress &address, quint16 port, QByteArrayView key)
{
    QByteArray out;
    append16(out, kBindingSuccess);
    append16(out, 0);
    append32(out, kMagicCookie);
    out.append(request.transactionId.left(12).leftJustified(12, '\0'));
    QByteArray mapped;
    const bool v4 = address.protocol() == QAbstractSocket::IPv4Protocol;
    append16(mapped, v4 ? 1 : 2);
    append16(mapped, port ^ quint16(kMagicCookie >> 16));
    if (v4) {
        append32(mapped, address.toIPv4Address() ^ kMagicCookie);
    } else {
        const Q_IPV6ADDR a = address.toIPv6Address();
        QByteArray mask;
        append32(mask, kMagicCookie);
        mask.append(out.sliced(8, 12));
        for (int i = 0; i < 16; ++i)
            mapped.append(char(a[i] ^ quint8(mask[i])));
    }
    appendAttribute(out, kXorMappedAddress, mapped);
    sign(out, key);
    return out;
}

QByteArray bindingRequest(const QByteArray &transactionId, const QByteArray &username, QByteArrayView key,
                          bool useCandidate)
{
    QByteArray out;
    append16(out, kBindingRequest);
    append16(out, 0);
    append32(out, kMagicCookie);
    out.append(transactionId.left(12).leftJustified(12, '\0'));
    appendAttribute(out, kUsername, username);
    QByteArray priority;
    append32(priority, 0x6e7f1eff);
    appendAttribute(out, kPriority, priority);
    appendAttribute(out, kIceControlling, QByteArray(8, '\x11'));
    if (useCandidate)
        appendAttribute(out, kUseCandidate, {});
    sign(out, key);
    return out;
}

QByteArray plainBindingRequest(const QByteArray &transactionId)
{
    QByteArray out;
    append16(out, kBindingRequest);
    append16(out, 0);
    append32(out, kMagicCookie);
    out.append(transactionId.left(12).leftJustified(12, '\0'));
    setLength(out, out.size() + 8);
    QByteArray crc;
    append32(crc, crc32(out) ^ kFingerprintXor);
    appendAttribute(out, kFingerprint, crc);
    return out;
}

}  // namespace hlscam::stun
