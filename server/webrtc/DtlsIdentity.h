// The service's DTLS identity for WebRTC: an ECDSA P-256 key and a self-signed certificate made
// once per process (browsers check the certificate against the fingerprint in our SDP answer,
// not against a CA), and the OpenSSL context every session's handshake uses: DTLS 1.2 only, a
// client certificate required (its fingerprint is checked against the offer's), the use_srtp
// extension offering SRTP_AES128_CM_SHA1_80.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <memory>

typedef struct ssl_ctx_st SSL_CTX;

namespace hlscam {

class DtlsIdentity {
public:
    static Result<std::shared_ptr<DtlsIdentity>> create();
    ~DtlsIdentity();
    DtlsIdentity(const DtlsIdentity &) = delete;
    DtlsIdentity &operator=(const DtlsIdentity &) = delete;

    SSL_CTX *context() const { return m_context; }
    QByteArray fingerprint() const { return m_fingerprint; }  // SHA-256 of the certificate (DER)

private:
    DtlsIdentity() = default;
    SSL_CTX *m_context = nullptr;
    QByteArray m_fingerprint;
};

}  // namespace hlscam
