#include "acme/AcmeClient.h"

#include "Limits.h"
#include "Logging.h"
#include "acme/AcmeChallenges.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTimer>

namespace hlscam {

namespace {

constexpr char kJose[] = "application/jose+json";

// Seconds a server asks us to wait before polling again, within 1 to 10 s.
int pollDelayMs(const QByteArray &retryAfter)
{
    bool ok = false;
    const int seconds = retryAfter.trimmed().toInt(&ok);
    return ok ? std::clamp(seconds, 1, 10) * 1000 : 1000;
}

// "urn:ietf:params:acme:error:rejectedIdentifier: the detail" from a problem document (RFC 7807).
QString problemText(const QJsonObject &problem)
{
    QString text = problem.value(QStringLiteral("type")).toString();
    const QString detail = problem.value(QStringLiteral("detail")).toString();
    if (!detail.isEmpty())
        text += (text.isEmpty() ? QString() : QStringLiteral(": ")) + detail;
    const QJsonArray subproblems = problem.value(QStringLiteral("subproblems")).toArray();
    for (const auto &sub : subproblems)
        text += QStringLiteral("; ") + sub.toObject().value(QStringLiteral("detail")).toString();
    return text.left(1000);
}

}  // namespace

AcmeClient::AcmeClient(QUrl directory, QList<QSslCertificate> extraCa, QString email, QStringList names,
                       EVP_PKEY *accountKey, QString accountUrl, AcmeChallenges *challenges, QObject *parent)
    : QObject(parent),
      m_directoryUrl(std::move(directory)),
      m_extraCa(std::move(extraCa)),
      m_email(std::move(email)),
      m_names(std::move(names)),
      m_accountKey(accountKey),
      m_accountUrl(std::move(accountUrl)),
      m_challenges(challenges)
{
    // The ACME server is reached directly: a proxy from the environment would see nothing
    // secret, but would be one more party able to make issuance fail.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

AcmeClient::~AcmeClient()
{
    for (const QByteArray &token : std::as_const(m_tokens))
        m_challenges->remove(token);
}

void AcmeClient::start()
{
    get(m_directoryUrl, "directory", [this](const Reply &r) {
        if (r.status != 200 || !r.json.contains(QStringLiteral("newOrder")))
            return failWith("directory", r);
        m_directory = r.json;
        account();
    });
}

void AcmeClient::fail(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT failed(Error{Fault::Io, message});
}

void AcmeClient::failWith(const char *step, const Reply &r)
{
    const QString reason = r.json.isEmpty() ? QString::fromUtf8(r.body.left(300)).simplified() : problemText(r.json);
    fail(QStringLiteral("ACME %1 at %2 failed: HTTP %3%4")
             .arg(QLatin1String(step), m_directoryUrl.host())
             .arg(r.status)
             .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
}

void AcmeClient::send(QNetworkReply *reply, const char *step, Handler done)
{
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > limits::kAcmeReplyBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, step, done = std::move(done)] {
        reply->deleteLater();
        if (m_done)
            return;
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (r.status == 0) {
            fail(QStringLiteral("ACME %1: cannot reach %2: %3")
                     .arg(QLatin1String(step), reply->url().toString(), reply->errorString()));
            return;
        }
        r.body = reply->read(limits::kAcmeReplyBytes);
        r.json = QJsonDocument::fromJson(r.body).object();
        r.location = reply->rawHeader("Location");
        r.retryAfter = reply->rawHeader("Retry-After");
        if (const QByteArray nonce = reply->rawHeader("Replay-Nonce"); !nonce.isEmpty())
            m_nonce = nonce;
        done(r);
    });
}

QNetworkRequest AcmeClient::request(const QUrl &url) const
{
    QNetworkRequest r(url);
    r.setTransferTimeout(limits::kAcmeTimeoutMs);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!m_extraCa.isEmpty())
        tls.addCaCertificates(m_extraCa);
    r.setSslConfiguration(tls);
    return r;
}

void AcmeClient::get(const QUrl &url, const char *step, Handler done)
{
    const QNetworkRequest request = this->request(url);
    send(m_network.get(request), step, std::move(done));
}

void AcmeClient::withNonce(const std::function<void()> &then)
{
    if (!m_nonce.isEmpty())
        return then();
    const QNetworkRequest request = this->request(QUrl(m_directory.value(QStringLiteral("newNonce")).toString()));
    send(m_network.head(request), "newNonce", [this, then](const Reply &r) {
        if (m_nonce.isEmpty())
            return failWith("newNonce", r);
        then();
    });
}

void AcmeClient::post(const QUrl &url, const char *step, const std::optional<QJsonObject> &payload, const Handler &done,
                      bool useJwk, int attempt)
{
    withNonce([=, this] {
        QJsonObject header{{QStringLiteral("alg"), QStringLiteral("ES256")},
                           {QStringLiteral("nonce"), QString::fromLatin1(m_nonce)},
                           {QStringLiteral("url"), url.toString()}};
        if (useJwk)
            header.insert(QStringLiteral("jwk"), jwkOf(m_accountKey));
        else
            header.insert(QStringLiteral("kid"), m_accountUrl);
        m_nonce.clear();  // each nonce is good for one request
        const QByteArray protectedPart = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact));
        const QByteArray payloadPart =
            payload ? base64Url(QJsonDocument(*payload).toJson(QJsonDocument::Compact)) : QByteArray();
        const Result<QByteArray> signature = signEs256(m_accountKey, protectedPart + '.' + payloadPart);
        if (!signature.ok())
            return fail(QStringLiteral("ACME %1: %2").arg(QLatin1String(step), signature.error().message));
        const QJsonObject jws{{QStringLiteral("protected"), QString::fromLatin1(protectedPart)},
                              {QStringLiteral("payload"), QString::fromLatin1(payloadPart)},
                              {QStringLiteral("signature"), QString::fromLatin1(base64Url(signature.value()))}};
        QNetworkRequest request = this->request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray(kJose));
        send(m_network.post(request, QJsonDocument(jws).toJson(QJsonDocument::Compact)), step,
             [=, this](const Reply &r) {
                 // A server may turn down any nonce (RFC 8555 6.5): its answer carries a fresh one.
                 const bool badNonce = r.status == 400 && r.json.value(QStringLiteral("type")).toString() ==
                                                              u"urn:ietf:params:acme:error:badNonce";
                 if (badNonce && attempt < limits::kAcmeNonceRetries)
                     return post(url, step, payload, done, useJwk, attempt + 1);
                 done(r);
             });
    });
}

void AcmeClient::account()
{
    if (!m_accountUrl.isEmpty())
        return order();
    QJsonObject payload{{QStringLiteral("termsOfServiceAgreed"), true}};
    if (!m_email.isEmpty())
        payload.insert(QStringLiteral("contact"), QJsonArray{QStringLiteral("mailto:") + m_email});
    // With a key the server knows, newAccount answers 200 and that account's URL: reused.
    post(
        QUrl(m_directory.value(QStringLiteral("newAccount")).toString()), "newAccount", payload,
        [this](const Reply &r) {
            if ((r.status != 200 && r.status != 201) || r.location.isEmpty())
                return failWith("newAccount", r);
            m_accountUrl = QString::fromLatin1(r.location);
            qCInfo(lcAcme).noquote() << (r.status == 201 ? "ACME: account created:" : "ACME: account found:")
                                     << m_accountUrl;
            Q_EMIT accountKnown(m_accountUrl);
            order();
        },
        true);
}

void AcmeClient::order()
{
    QJsonArray identifiers;
    for (const QString &name : std::as_const(m_names))
        identifiers.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("dns")}, {QStringLiteral("value"), name}});
    post(QUrl(m_directory.value(QStringLiteral("newOrder")).toString()), "newOrder",
         QJsonObject{{QStringLiteral("identifiers"), identifiers}}, [this](const Reply &r) {
             if (r.status != 201 || r.location.isEmpty())
                 return failWith("newOrder", r);
             m_orderUrl = QUrl(QString::fromLatin1(r.location));
             m_finalizeUrl = QUrl(r.json.value(QStringLiteral("finalize")).toString());
             const QJsonArray authorizations = r.json.value(QStringLiteral("authorizations")).toArray();
             for (const auto &a : authorizations)
                 m_authorizations.append(QUrl(a.toString()));
             if (!m_finalizeUrl.isValid() || m_authorizations.isEmpty() || m_authorizations.size() > 100)
                 return fail(QStringLiteral("ACME newOrder: the server's order has no finalize URL or authorizations"));
             qCInfo(lcAcme).noquote() << "ACME: order" << m_orderUrl.toString() << "for"
                                      << m_names.join(QStringLiteral(", "));
             authorize(0);
         });
}

void AcmeClient::authorize(int index)
{
    if (index >= m_authorizations.size())
        return finalize();
    post(m_authorizations[index], "authorization", std::nullopt, [this, index](const Reply &r) {
        if (r.status != 200)
            return failWith("authorization", r);
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == u"valid")
            return authorize(index + 1);  // validated before (authorizations are reused)
        const QString name =
            r.json.value(QStringLiteral("identifier")).toObject().value(QStringLiteral("value")).toString();
        if (status != u"pending")
            return fail(QStringLiteral("ACME: the authorization for %1 is %2").arg(name, status));
        const QJsonArray challenges = r.json.value(QStringLiteral("challenges")).toArray();
        for (const auto &c : challenges) {
            const QJsonObject challenge = c.toObject();
            if (challenge.value(QStringLiteral("type")).toString() != u"http-01")
                continue;
            const QByteArray token = challenge.value(QStringLiteral("token")).toString().toLatin1();
            m_challenges->put(token, token + '.' + jwkThumbprint(m_accountKey));
            m_tokens.append(token);
            // The empty object tells the server to go and fetch it (RFC 8555 7.5.1).
            return post(QUrl(challenge.value(QStringLiteral("url")).toString()), "challenge", QJsonObject{},
                        [this, index](const Reply &answer) {
                            if (answer.status != 200)
                                return failWith("challenge", answer);
                            pollAuthorization(index, 0);
                        });
        }
        fail(QStringLiteral("ACME: the server offers no http-01 challenge for %1").arg(name));
    });
}

void AcmeClient::pollAuthorization(int index, int poll)
{
    post(m_authorizations[index], "authorization", std::nullopt, [this, index, poll](const Reply &r) {
        if (r.status != 200)
            return failWith("authorization", r);
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == u"valid")
            return authorize(index + 1);
        if (status == u"pending" || status == u"processing") {
            if (poll >= limits::kAcmePolls)
                return fail(QStringLiteral("ACME: the server did not validate the challenge in time"));
            QTimer::singleShot(pollDelayMs(r.retryAfter), this,
                               [this, index, poll] { pollAuthorization(index, poll + 1); });
            return;
        }
        // The challenge's error says what the server saw (connection refused, wrong answer, ...).
        QString why;
        const QJsonArray challenges = r.json.value(QStringLiteral("challenges")).toArray();
        for (const auto &c : challenges)
            if (c.toObject().contains(QStringLiteral("error")))
                why = problemText(c.toObject().value(QStringLiteral("error")).toObject());
        const QString name =
            r.json.value(QStringLiteral("identifier")).toObject().value(QStringLiteral("value")).toString();
        fail(QStringLiteral("ACME: the HTTP-01 challenge for %1 failed (%2): %3 (is port 80 of %1 forwarded to "
                            "http_listen?)")
                 .arg(name, status, why.isEmpty() ? QStringLiteral("no reason given") : why));
    });
}

void AcmeClient::finalize()
{
    Result<EcKey> key = generateEcKey();
    if (!key.ok())
        return fail(key.error().message);
    m_certificateKey = std::move(key.value());
    const Result<QByteArray> csr = makeCsrDer(m_certificateKey.get(), m_names);
    if (!csr.ok())
        return fail(csr.error().message);
    post(m_finalizeUrl, "finalize", QJsonObject{{QStringLiteral("csr"), QString::fromLatin1(base64Url(csr.value()))}},
         [this](const Reply &r) {
             if (r.status != 200)
                 return failWith("finalize", r);
             pollOrder(0);
         });
}

void AcmeClient::pollOrder(int poll)
{
    post(m_orderUrl, "order", std::nullopt, [this, poll](const Reply &r) {
        if (r.status != 200)
            return failWith("order", r);
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == u"valid")
            return download(QUrl(r.json.value(QStringLiteral("certificate")).toString()));
        if (status == u"processing" || status == u"ready" || status == u"pending") {
            if (poll >= limits::kAcmePolls)
                return fail(QStringLiteral("ACME: the server did not issue the certificate in time"));
            QTimer::singleShot(pollDelayMs(r.retryAfter), this, [this, poll] { pollOrder(poll + 1); });
            return;
        }
        fail(QStringLiteral("ACME: the order is %1: %2")
                 .arg(status, problemText(r.json.value(QStringLiteral("error")).toObject())));
    });
}

void AcmeClient::download(const QUrl &certificate)
{
    post(certificate, "certificate", std::nullopt, [this](const Reply &r) {
        if (r.status != 200 || !r.body.contains("-----BEGIN CERTIFICATE-----"))
            return failWith("certificate", r);
        m_done = true;
        Q_EMIT issued(ecKeyPem(m_certificateKey.get()), r.body);
    });
}

}  // namespace hlscam
