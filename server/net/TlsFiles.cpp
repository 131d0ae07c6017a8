#include "net/TlsFiles.h"
#include "Limits.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace hlscam {

namespace {
Result<QByteArray> readPem(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{Fault::Config, QStringLiteral("%1: cannot be read (%2)").arg(path, f.errorString())};
    return f.read(limits::kPemFileBytes);
}
}  // namespace

QList<QSslCipher> forwardSecretAeadCiphers(const QList<QSslCipher> &ciphers)
{
    // TLS 1.3 suites (TLS_AES_128_GCM_SHA256, ...) are all forward secret and AEAD. Of TLS 1.2,
    // keep ECDHE/DHE key exchange with GCM or ChaCha20-Poly1305: no static RSA key exchange (no
    // forward secrecy), no CBC with SHA-1 MACs (Lucky13 and friends).
    QList<QSslCipher> kept;
    for (const QSslCipher &cipher : ciphers) {
        const QString name = cipher.name();
        const bool tls13 = name.startsWith(QLatin1String("TLS_"));
        const bool forwardSecret = name.startsWith(QLatin1String("ECDHE-")) || name.startsWith(QLatin1String("DHE-"));
        const bool aead = name.contains(QLatin1String("GCM")) || name.contains(QLatin1String("CHACHA20"));
        if (tls13 || (forwardSecret && aead))
            kept.append(cipher);
    }
    return kept;
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

Result<QSslConfiguration> loadTlsFiles(const QString &certPath, const QString &keyPath)
{
    if (!QSslSocket::supportsSsl())
        return Error{Fault::Config,
                     QStringLiteral("HTTPS is configured, but Qt has no TLS backend here (install libssl3)")};
    const Result<QByteArray> certPem = readPem(certPath);
    if (!certPem.ok())
        return certPem.error();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem.value(), QSsl::Pem);
    if (chain.isEmpty())
        return Error{Fault::Config, QStringLiteral("%1: no PEM certificate in it (tls_cert)").arg(certPath)};
    const Result<QByteArray> keyPem = readPem(keyPath);
    if (!keyPem.ok())
        return keyPem.error();
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Opaque}) {
        key = QSslKey(keyPem.value(), algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return Error{Fault::Config,
                     QStringLiteral("%1: no unencrypted PEM private key (RSA or EC) in it (tls_key)").arg(keyPath)};
    return serverTlsConfiguration(chain, key);
}

QSslConfiguration serverTlsConfiguration(const QList<QSslCertificate> &chain, const QSslKey &key)
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(chain);
    conf.setPrivateKey(key);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);  // clients authenticate with passwords, not certificates
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    conf.setCiphers(forwardSecretAeadCiphers(conf.ciphers()));
    return conf;
}

}  // namespace hlscam
