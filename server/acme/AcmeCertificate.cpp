#include "acme/AcmeCertificate.h"

#include "Limits.h"
#include "Logging.h"
#include "StateFiles.h"
#include "acme/AcmeClient.h"
#include "net/TlsFiles.h"

#include <QFile>
#include <QSslKey>

namespace hlscam {

namespace {

constexpr qint64 kFirstRetryS = 60;                    // after a failed order; doubled each time...
constexpr qint64 kLongestRetryS = 86400;               // ...up to a day
constexpr qint64 kCheckEveryMs = qint64(3600) * 1000;  // QTimer cannot wait 60 days: look again hourly
constexpr int kStandInDays = 7;

Result<QByteArray> readState(const QString &path)
{
    Result<std::optional<QByteArray>> read = readStateFile(path, limits::kPemFileBytes);
    if (!read.ok())
        return read.error();
    return read.value().value_or(QByteArray());  // empty when missing
}

}  // namespace

AcmeCertificate::AcmeCertificate(TlsSettings settings, QString stateDir, QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_stateDir(std::move(stateDir))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &AcmeCertificate::check);
}

AcmeCertificate::~AcmeCertificate()
{
    // Now, while m_challenges is alive (a client removes its tokens from it when it goes).
    qDeleteAll(findChildren<AcmeClient *>(Qt::FindDirectChildrenOnly));
}

QString AcmeCertificate::accountKeyPath() const { return m_stateDir + QStringLiteral("/acme-account.key"); }
QString AcmeCertificate::accountUrlPath() const { return m_stateDir + QStringLiteral("/acme-account.url"); }
QString AcmeCertificate::certificatePath() const { return m_stateDir + QStringLiteral("/acme-certificate.pem"); }

Error AcmeCertificate::load()
{
    if (!m_settings.acmeCa.isEmpty()) {
        QFile ca(m_settings.acmeCa);
        if (!ca.open(QIODevice::ReadOnly))
            return {Fault::Config,
                    QStringLiteral("%1: cannot be read (%2) ([tls] acme_ca)").arg(ca.fileName(), ca.errorString())};
        m_extraCa = QSslCertificate::fromData(ca.read(limits::kPemFileBytes), QSsl::Pem);
        if (m_extraCa.isEmpty())
            return {Fault::Config, QStringLiteral("%1: no PEM certificate in it ([tls] acme_ca)").arg(ca.fileName())};
    }

    // The account: its key made once and kept; its URL learned at the first order.
    const Result<QByteArray> keyPem = readState(accountKeyPath());
    if (!keyPem.ok())
        return keyPem.error();
    if (keyPem.value().isEmpty()) {
        Result<EcKey> made = generateEcKey();
        if (!made.ok())
            return made.error();
        if (Error e = writeFileAtomically(accountKeyPath(), ecKeyPem(made.value().get())))
            return e;
        m_accountKey = std::move(made.value());
    } else {
        Result<EcKey> read = ecKeyFromPem(keyPem.value());
        if (!read.ok())
            return {Fault::Io, QStringLiteral("%1: %2 (remove it to make a new ACME account)")
                                   .arg(accountKeyPath(), read.error().message)};
        m_accountKey = std::move(read.value());
    }
    const Result<QByteArray> url = readState(accountUrlPath());
    if (!url.ok())
        return url.error();
    m_accountUrl = QString::fromLatin1(url.value().trimmed());

    // The certificate (its key first, then the chain, in one file: never one without the other).
    const Result<QByteArray> pem = readState(certificatePath());
    if (!pem.ok())
        return pem.error();
    if (!pem.value().isEmpty()) {
        const qsizetype chainAt = pem.value().indexOf("-----BEGIN CERTIFICATE-----");
        if (Error e = use(pem.value().first(std::max<qsizetype>(chainAt, 0)),
                          pem.value().mid(std::max<qsizetype>(chainAt, 0)), true))
            qCWarning(lcAcme).noquote() << e.message << "- ordering a new one";
    }
    if (issued())
        return {};
    // A stand-in until the first certificate: HTTPS answers at once (browsers warn), and the
    // configuration never changes from plain to TLS under the listener.
    Result<EcKey> key = generateEcKey();
    if (!key.ok())
        return key.error();
    const Result<QByteArray> cert = makeSelfSignedPem(key.value().get(), m_settings.acmeDomains, kStandInDays);
    if (!cert.ok())
        return cert.error();
    m_configuration = serverTlsConfiguration(QSslCertificate::fromData(cert.value(), QSsl::Pem),
                                             QSslKey(ecKeyPem(key.value().get()), QSsl::Ec, QSsl::Pem));
    return {};
}

Error AcmeCertificate::use(const QByteArray &keyPem, const QByteArray &chainPem, bool fromFile)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromData(chainPem, QSsl::Pem);
    const QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull())
        return {Fault::Io, QStringLiteral("%1: no key and certificate chain in it").arg(certificatePath())};
    const QSslCertificate &leaf = chain.first();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (fromFile) {
        // Kept only while it still serves the names configured now.
        const QStringList names = leaf.subjectAlternativeNames().values(QSsl::DnsEntry);
        for (const QString &name : std::as_const(m_settings.acmeDomains))
            if (!names.contains(name, Qt::CaseInsensitive))
                return {Fault::Io, QStringLiteral("%1 is not for %2").arg(certificatePath(), name)};
        if (leaf.expiryDate() <= now)
            return {Fault::Io,
                    QStringLiteral("%1 expired on %2").arg(certificatePath(), leaf.expiryDate().toString(Qt::ISODate))};
    }
    m_configuration = serverTlsConfiguration(chain, key);
    m_issuedAt = leaf.effectiveDate();
    m_expires = leaf.expiryDate();
    return {};
}

int AcmeCertificate::daysLeft() const
{
    if (!issued())
        return -1;
    return int(std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(m_expires) / 86400));
}

QDateTime AcmeCertificate::renewalTime() const
{
    if (!issued())
        return QDateTime::currentDateTimeUtc();
    // Two thirds of the lifetime (Let's Encrypt's 90 days: renewed with 30 left).
    return m_issuedAt.addSecs(m_issuedAt.secsTo(m_expires) * 2 / 3);
}

void AcmeCertificate::start()
{
    if (issued())
        qCInfo(lcAcme).noquote() << "ACME: serving the certificate in" << certificatePath() << "for"
                                 << m_settings.acmeDomains.join(QStringLiteral(", ")) << "until"
                                 << m_expires.toString(Qt::ISODate) << "(renewal from"
                                 << renewalTime().toString(Qt::ISODate) + QLatin1Char(')');
    check();
}

void AcmeCertificate::check()
{
    if (m_client)
        return;
    const qint64 waitMs = QDateTime::currentDateTimeUtc().msecsTo(renewalTime());
    if (waitMs > 0) {
        m_timer.start(int(std::min(waitMs, kCheckEveryMs)));
        return;
    }
    order();
}

void AcmeCertificate::order()
{
    qCInfo(lcAcme).noquote() << "ACME: ordering a certificate for" << m_settings.acmeDomains.join(QStringLiteral(", "))
                             << "from" << m_settings.acmeDirectory;
    m_client = new AcmeClient(QUrl(m_settings.acmeDirectory), m_extraCa, m_settings.acmeEmail, m_settings.acmeDomains,
                              m_accountKey.get(), m_accountUrl, &m_challenges, this);
    connect(m_client, &AcmeClient::accountKnown, this, [this](const QString &url) {
        m_accountUrl = url;
        if (Error e = writeFileAtomically(accountUrlPath(), url.toLatin1() + '\n'))
            qCWarning(lcAcme).noquote() << e.message;
    });
    connect(m_client, &AcmeClient::issued, this, &AcmeCertificate::onIssued);
    connect(m_client, &AcmeClient::failed, this, &AcmeCertificate::onFailed);
    m_client->start();
}

void AcmeCertificate::onIssued(const QByteArray &keyPem, const QByteArray &chainPem)
{
    m_client->deleteLater();
    m_client = nullptr;
    if (Error e = use(keyPem, chainPem, false)) {
        onFailed(e);
        return;
    }
    m_failures = 0;
    // Written before it is served, so a restart never orders again what it had.
    if (Error e = writeFileAtomically(certificatePath(), keyPem + chainPem))
        qCWarning(lcAcme).noquote() << e.message << "- the certificate serves until the next restart only";
    qCInfo(lcAcme).noquote() << "ACME: certificate issued for" << m_settings.acmeDomains.join(QStringLiteral(", "))
                             << "valid until" << m_expires.toString(Qt::ISODate) << "- serving it now";
    Q_EMIT configurationChanged(m_configuration);
    check();
}

void AcmeCertificate::onFailed(const Error &error)
{
    if (m_client) {
        m_client->deleteLater();
        m_client = nullptr;
    }
    const qint64 retryS = std::min(kLongestRetryS, kFirstRetryS << std::min(m_failures, 16));
    ++m_failures;
    qCWarning(lcAcme).noquote() << error.message;
    const QString kept = issued() ? QStringLiteral("ACME: keeping the current certificate (valid until %1)")
                                        .arg(m_expires.toString(Qt::ISODate))
                                  : QStringLiteral("ACME: still serving the self-signed stand-in");
    qCWarning(lcAcme).noquote() << QStringLiteral("%1; next attempt in %2 s").arg(kept).arg(retryS);
    m_timer.start(int(retryS * 1000));
}

}  // namespace hlscam
