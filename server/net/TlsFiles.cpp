#include "net/TlsFiles.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace hlscam {

namespace {
constexpr qint64 kMaxPemBytes = qint64{1024} * 1024;

std::optional<QByteArray> readPem(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot be read (%2)").arg(path, f.errorString());
        return std::nullopt;
    }
    return f.read(kMaxPemBytes);
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

std::optional<QSslConfiguration> loadTlsFiles(const QString &certPath, const QString &keyPath, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("HTTPS is configured, but Qt has no TLS backend here (install libssl3)");
        return std::nullopt;
    }
    const std::optional<QByteArray> certPem = readPem(certPath, error);
    if (!certPem)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certPem, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("%1: no PEM certificate in it (tls_cert)").arg(certPath);
        return std::nullopt;
    }
    const std::optional<QByteArray> keyPem = readPem(keyPath, error);
    if (!keyPem)
        return std::nullopt;
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Opaque}) {
        key = QSslKey(*keyPem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("%1: no unencrypted PEM private key (RSA or EC) in it (tls_key)").arg(keyPath);
        return std::nullopt;
    }
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(chain);
    conf.setPrivateKey(key);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);  // clients authenticate with passwords, not certificates
    conf.setProtocol(QSsl::TlsV1_2OrLater);
    conf.setCiphers(forwardSecretAeadCiphers(conf.ciphers()));
    return conf;
}

}  // namespace hlscam
