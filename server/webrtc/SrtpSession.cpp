#include "webrtc/SrtpSession.h"

#include <srtp2/srtp.h>
#include <mutex>

namespace hlscam {

namespace {

srtp_ctx_t *makeContext(const QByteArray &key, srtp_ssrc_type_t direction)
{
    srtp_policy_t policy{};
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    policy.ssrc.type = direction;
    QByteArray material = key;  // libsrtp takes a non-const pointer
    policy.key = reinterpret_cast<unsigned char *>(material.data());
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;  // a NACKed packet is sent again as it was
    srtp_ctx_t *ctx = nullptr;
    if (srtp_create(&ctx, &policy) != srtp_err_status_ok)
        return nullptr;
    return ctx;
}

}  // namespace

Error SrtpSession::initLibrary()
{
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = srtp_init() == srtp_err_status_ok; });
    if (!ok)
        return Error{Fault::Other, QStringLiteral("libsrtp2 could not be initialised")};
    return {};
}

Result<std::unique_ptr<SrtpSession>> SrtpSession::create(const SrtpKeys &keys)
{
    if (Error e = initLibrary())
        return e;
    if (keys.local.size() != 30 || keys.remote.size() != 30)
        return Error{Fault::Other, QStringLiteral("SRTP keys of the wrong size")};
    std::unique_ptr<SrtpSession> s(new SrtpSession);
    s->m_out = makeContext(keys.local, ssrc_any_outbound);
    s->m_in = makeContext(keys.remote, ssrc_any_inbound);
    if (!s->m_out || !s->m_in)
        return Error{Fault::Other, QStringLiteral("libsrtp2 refused the keys")};
    return s;
}

SrtpSession::~SrtpSession()
{
    if (m_out)
        srtp_dealloc(m_out);
    if (m_in)
        srtp_dealloc(m_in);
}

bool SrtpSession::protectRtp(QByteArray &packet)
{
    int size = int(packet.size());
    packet.resize(size + SRTP_MAX_TRAILER_LEN);
    const bool ok = srtp_protect(m_out, packet.data(), &size) == srtp_err_status_ok;
    packet.resize(ok ? size : 0);
    return ok;
}

bool SrtpSession::protectRtcp(QByteArray &packet)
{
    int size = int(packet.size());
    packet.resize(size + SRTP_MAX_TRAILER_LEN + 4);  // + the SRTCP index
    const bool ok = srtp_protect_rtcp(m_out, packet.data(), &size) == srtp_err_status_ok;
    packet.resize(ok ? size : 0);
    return ok;
}

bool SrtpSession::unprotectRtcp(QByteArray &packet)
{
    int size = int(packet.size());
    packet.detach();
    const bool ok = srtp_unprotect_rtcp(m_in, packet.data(), &size) == srtp_err_status_ok;
    packet.resize(ok ? size : 0);
    return ok;
}

}  // namespace hlscam
