// One run of the ACME protocol (RFC 8555) against a directory: the account (made once, then
// reused by its URL), a new order for the names, each authorization's HTTP-01 challenge (answered
// through AcmeChallenges by the plain-HTTP port), finalize with a CSR for a fresh P-256 key, and
// the certificate chain. Every request is a JWS signed with ES256 by the account key; badNonce
// answers are retried with the nonce they carry. Asynchronous, on the owner's thread; finishes
// with exactly one of issued() or failed(), whose message carries the ACME server's own reason.
#pragma once

#include "Error.h"
#include "acme/AcmeCrypto.h"

#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QStringList>
#include <QUrl>
#include <functional>

class QNetworkReply;

namespace hlscam {

class AcmeChallenges;

class AcmeClient : public QObject {
    Q_OBJECT
public:
    // `extraCa`: trusted besides the system's CAs for the directory (a private ACME server).
    // `accountUrl`: the account made before with `accountKey`; empty: made (or found) now.
    AcmeClient(QUrl directory, QList<QSslCertificate> extraCa, QString email, QStringList names, EVP_PKEY *accountKey,
               QString accountUrl, AcmeChallenges *challenges, QObject *parent = nullptr);
    ~AcmeClient() override;

    void start();

Q_SIGNALS:
    // The account's URL is known (it was just made or found): keep it beside the key.
    void accountKnown(const QString &url);
    // The private key (PEM) and the certificate chain (PEM) the server issued for it.
    void issued(const QByteArray &keyPem, const QByteArray &chainPem);
    void failed(const Error &error);

private:
    struct Reply {
        int status = 0;
        QByteArray body;
        QJsonObject json;
        QByteArray location;
        QByteArray retryAfter;
    };
    using Handler = std::function<void(const Reply &)>;

    // A request with the timeout and the trusted CAs.
    QNetworkRequest request(const QUrl &url) const;
    void get(const QUrl &url, const char *step, Handler done);
    // A JWS POST; `payload` null: POST-as-GET (an empty payload). `useJwk`: the key itself
    // rather than the account URL (newAccount only).
    void post(const QUrl &url, const char *step, const std::optional<QJsonObject> &payload, const Handler &done,
              bool useJwk = false, int attempt = 0);
    void send(QNetworkReply *reply, const char *step, Handler done);
    void withNonce(const std::function<void()> &then);
    void fail(const QString &message);
    void failWith(const char *step, const Reply &reply);

    void account();
    void order();
    void authorize(int index);
    void pollAuthorization(int index, int poll);
    void finalize();
    void pollOrder(int poll);
    void download(const QUrl &certificate);

    QNetworkAccessManager m_network;
    QUrl m_directoryUrl;
    QList<QSslCertificate> m_extraCa;
    QString m_email;
    QStringList m_names;
    EVP_PKEY *m_accountKey;
    QString m_accountUrl;
    AcmeChallenges *m_challenges;

    QJsonObject m_directory;
    QByteArray m_nonce;
    QUrl m_orderUrl;
    QUrl m_finalizeUrl;
    QList<QUrl> m_authorizations;
    QList<QByteArray> m_tokens;  // answered by this run; removed when it ends
    EcKey m_certificateKey;
    bool m_done = false;
};

}  // namespace hlscam
