// The certificate hlscam gets for itself over ACME, from start to renewal: the account key and
// URL, and the certificate with its key, in the state directory (owner-only files written
// atomically, refused when planted links); an order only when no valid certificate for the names
// is at hand or two thirds of its lifetime have passed (rate-limit friendly: a restart reuses
// both); retries with backoff that keep the certificate being served; and the configuration
// HTTPS serves, handed on whenever it changes (new connections get it, open ones keep theirs).
// Until the first certificate arrives, a self-signed one for the names is served.
#pragma once

#include "Error.h"
#include "acme/AcmeChallenges.h"
#include "acme/AcmeCrypto.h"
#include "config/Settings.h"

#include <QDateTime>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>

namespace hlscam {

class AcmeClient;

class AcmeCertificate : public QObject {
    Q_OBJECT
public:
    AcmeCertificate(TlsSettings settings, QString stateDir, QObject *parent = nullptr);
    ~AcmeCertificate() override;

    // Reads (or makes) the account key and reads the certificate; Fault::Io or Fault::Config
    // (acme_ca) when they cannot be used.
    Error load();
    // Orders now when needed, else when renewal is due.
    void start();

    const QSslConfiguration &configuration() const { return m_configuration; }
    // An ACME-issued certificate is served (not the self-signed stand-in).
    bool issued() const { return m_expires.isValid(); }
    // Whole days until the served ACME certificate expires; -1 without one.
    int daysLeft() const;
    const AcmeChallenges *challenges() const { return &m_challenges; }

    QString accountKeyPath() const;
    QString accountUrlPath() const;
    QString certificatePath() const;

Q_SIGNALS:
    void configurationChanged(const QSslConfiguration &configuration);

private:
    Error use(const QByteArray &keyPem, const QByteArray &chainPem, bool fromFile);
    void check();
    void order();
    void onIssued(const QByteArray &keyPem, const QByteArray &chainPem);
    void onFailed(const Error &error);
    QDateTime renewalTime() const;

    TlsSettings m_settings;
    QString m_stateDir;
    QList<QSslCertificate> m_extraCa;
    EcKey m_accountKey;
    QString m_accountUrl;
    AcmeChallenges m_challenges;
    QSslConfiguration m_configuration;
    QDateTime m_issuedAt;  // of the served ACME certificate; invalid while the stand-in serves
    QDateTime m_expires;
    QPointer<AcmeClient> m_client;
    QTimer m_timer;
    int m_failures = 0;
};

}  // namespace hlscam
