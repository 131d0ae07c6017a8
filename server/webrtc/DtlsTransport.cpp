#include "webrtc/DtlsTransport.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace hlscam {

namespace {
constexpr qsizetype kKeySize = 16, kSaltSize = 14;
constexpr int kRecordHeader = 13;  // DTLS: type, version, epoch, sequence, length
}  // namespace

DtlsTransport::DtlsTransport(std::shared_ptr<DtlsIdentity> identity, QByteArray expectedFingerprint, int mtu)
    : m_identity(std::move(identity)),
      m_expected(std::move(expectedFingerprint)),
      m_mtu(mtu)
{
    m_ssl = SSL_new(m_identity->context());
    m_in = BIO_new(BIO_s_mem());
    m_out = BIO_new(BIO_s_mem());
    if (!m_ssl || !m_in || !m_out) {
        BIO_free(m_in);
        BIO_free(m_out);
        m_in = m_out = nullptr;
        fail(QStringLiteral("out of memory"));
        return;
    }
    BIO_set_mem_eof_return(m_in, -1);  // "no data yet", not end of stream
    SSL_set_bio(m_ssl, m_in, m_out);
    SSL_set_accept_state(m_ssl);
    DTLS_set_link_mtu(m_ssl, m_mtu);
}

DtlsTransport::~DtlsTransport() { SSL_free(m_ssl); }

void DtlsTransport::fail(const QString &why)
{
    m_state = State::Failed;
    m_error = why;
    ERR_clear_error();
}

QList<QByteArray> DtlsTransport::receive(QByteArrayView datagram)
{
    if (m_state == State::Failed || m_state == State::Closed || !m_ssl)
        return {};
    BIO_write(m_in, datagram.data(), int(datagram.size()));
    advance();
    return drain();
}

QList<QByteArray> DtlsTransport::tick()
{
    if (m_state != State::Handshaking || !m_ssl)
        return {};
    if (DTLSv1_handle_timeout(m_ssl) < 0)
        fail(QStringLiteral("the handshake timed out"));
    return drain();
}

void DtlsTransport::advance()
{
    if (m_state == State::Handshaking) {
        const int r = SSL_do_handshake(m_ssl);
        if (r != 1) {
            const int e = SSL_get_error(m_ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                fail(QStringLiteral("the handshake failed (%1)")
                         .arg(QString::fromLatin1(ERR_reason_error_string(ERR_peek_last_error()))));
            return;
        }
        X509 *peer = SSL_get1_peer_certificate(m_ssl);
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        const bool digested = peer && X509_digest(peer, EVP_sha256(), digest, &size) == 1;
        X509_free(peer);
        if (!digested || QByteArray(reinterpret_cast<const char *>(digest), int(size)) != m_expected) {
            fail(QStringLiteral("the viewer's certificate is not the one its offer named"));
            return;
        }
        const SRTP_PROTECTION_PROFILE *profile = SSL_get_selected_srtp_profile(m_ssl);
        if (!profile || profile->id != SRTP_AES128_CM_SHA1_80) {
            fail(QStringLiteral("no SRTP profile was agreed"));
            return;
        }
        unsigned char material[2 * (kKeySize + kSaltSize)];
        static const char label[] = "EXTRACTOR-dtls_srtp";
        if (SSL_export_keying_material(m_ssl, material, sizeof material, label, sizeof label - 1, nullptr, 0, 0) != 1) {
            fail(QStringLiteral("the SRTP keys could not be exported"));
            return;
        }
        // RFC 5764 4.2: client key, server key, client salt, server salt. We are the server.
        const auto *m = reinterpret_cast<const char *>(material);
        m_keys.remote = QByteArray(m, kKeySize) + QByteArray(m + 2 * kKeySize, kSaltSize);
        m_keys.local = QByteArray(m + kKeySize, kKeySize) + QByteArray(m + 2 * kKeySize + kSaltSize, kSaltSize);
        m_state = State::Connected;
        return;
    }
    // Connected: nothing but alerts is expected on DTLS (media go over SRTP); read them.
    char buffer[2048];
    for (int i = 0; i < 8; ++i) {
        const int r = SSL_read(m_ssl, buffer, sizeof buffer);
        if (r > 0)
            continue;  // application data over DTLS: not used by WebRTC video, dropped
        if (SSL_get_error(m_ssl, r) == SSL_ERROR_ZERO_RETURN)
            m_state = State::Closed;  // close_notify: the viewer left
        break;
    }
    ERR_clear_error();
}

QList<QByteArray> DtlsTransport::drain()
{
    // The memory BIO joins the records OpenSSL wrote; pack whole records into datagrams that
    // stay under the MTU.
    QList<QByteArray> datagrams;
    const int pending = int(BIO_ctrl_pending(m_out));
    if (pending <= 0)
        return datagrams;
    QByteArray all(pending, Qt::Uninitialized);
    const int got = BIO_read(m_out, all.data(), pending);
    if (got <= 0)
        return datagrams;
    all.truncate(got);
    QByteArray current;
    for (qsizetype pos = 0; pos < all.size();) {
        qsizetype size = all.size() - pos;
        if (size >= kRecordHeader)
            size = qMin(size, kRecordHeader + (qsizetype(quint8(all[pos + 11])) << 8 | quint8(all[pos + 12])));
        if (!current.isEmpty() && current.size() + size > m_mtu) {
            datagrams.append(current);
            current.clear();
        }
        current.append(all.sliced(pos, size));
        pos += size;
    }
    if (!current.isEmpty())
        datagrams.append(current);
    return datagrams;
}

}  // namespace hlscam
