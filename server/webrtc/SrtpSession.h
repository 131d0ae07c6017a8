// SRTP and SRTCP (RFC 3711) with libsrtp2 for one viewer, keyed from its DTLS handshake
// (SRTP_AES128_CM_SHA1_80): protects the RTP and RTCP we send, unprotects the RTCP it sends.
#pragma once

#include "Error.h"
#include "webrtc/DtlsTransport.h"

#include <QByteArray>
#include <memory>

typedef struct srtp_ctx_t_ srtp_ctx_t;

namespace hlscam {

class SrtpSession {
public:
    // libsrtp's start-up, once per process. Its self-tests take some 20 ms: the server calls it
    // when it starts, so they do not delay the first viewer's picture.
    static Error initLibrary();
    static Result<std::unique_ptr<SrtpSession>> create(const SrtpKeys &keys);
    ~SrtpSession();
    SrtpSession(const SrtpSession &) = delete;
    SrtpSession &operator=(const SrtpSession &) = delete;

    // In place; false when libsrtp refuses (the packet is then not to be sent or read).
    bool protectRtp(QByteArray &packet);
    bool protectRtcp(QByteArray &packet);
    bool unprotectRtcp(QByteArray &packet);

private:
    SrtpSession() = default;
    srtp_ctx_t *m_out = nullptr;
    srtp_ctx_t *m_in = nullptr;
};

}  // namespace hlscam
