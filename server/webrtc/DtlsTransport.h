// One viewer's DTLS 1.2 server handshake (RFC 5764, DTLS-SRTP) over OpenSSL with memory BIOs:
// the UDP socket stays ours, records go in and out as datagrams. Once the handshake is done and
// the viewer's certificate matches the fingerprint of its offer, the SRTP keys are exported.
#pragma once

#include "webrtc/DtlsIdentity.h"

#include <QByteArray>
#include <QList>
#include <memory>

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace hlscam {

// The keying material of SRTP_AES128_CM_SHA1_80: 16-byte key and 14-byte salt per direction.
struct SrtpKeys {
    QByteArray local;   // ours (the DTLS server's): protects what we send
    QByteArray remote;  // the viewer's: unprotects what it sends
};

class DtlsTransport {
public:
    enum class State { Handshaking, Connected, Failed, Closed };

    DtlsTransport(std::shared_ptr<DtlsIdentity> identity, QByteArray expectedFingerprint, int mtu = 1200);
    ~DtlsTransport();
    DtlsTransport(const DtlsTransport &) = delete;
    DtlsTransport &operator=(const DtlsTransport &) = delete;

    // A DTLS datagram from the viewer; returns the datagrams to send back.
    QList<QByteArray> receive(QByteArrayView datagram);
    // Retransmits a lost flight when its timer has run out; call every few tens of ms.
    QList<QByteArray> tick();

    State state() const { return m_state; }
    QString error() const { return m_error; }
    const SrtpKeys &keys() const { return m_keys; }

private:
    void advance();
    QList<QByteArray> drain();
    void fail(const QString &why);

    std::shared_ptr<DtlsIdentity> m_identity;
    QByteArray m_expected;
    int m_mtu;
    SSL *m_ssl = nullptr;
    BIO *m_in = nullptr;   // owned by m_ssl
    BIO *m_out = nullptr;  // owned by m_ssl
    State m_state = State::Handshaking;
    QString m_error;
    SrtpKeys m_keys;
};

}  // namespace hlscam
