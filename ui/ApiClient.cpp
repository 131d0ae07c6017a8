#include "ApiClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTimer>

#include "net/TlsFiles.h"

namespace hlscam::ui {

namespace {

constexpr int kTimeoutMs = 10000;
// The API's answers are small; a board is not trusted blindly.
constexpr qint64 kMaxReplyBytes = qint64{4} * 1024 * 1024;
// Set on a reply whose handshake showed a certificate other than the pinned one: its fingerprint.
constexpr char kPresented[] = "hlscamPresentedFingerprint";

QString peerFingerprint(const QNetworkReply *reply)
{
    return certificateFingerprint(reply->sslConfiguration().peerCertificate());
}

QString hostPort(const QUrl &base)
{
    return base.host() + (base.port() > 0 ? QStringLiteral(":%1").arg(base.port()) : QString());
}

QString transportError(QNetworkReply *reply, const QUrl &base)
{
    const QString where = hostPort(base);
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral(
                   "Cannot reach %1: nothing is listening there (is the service running, and is the port right?)")
            .arg(where);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("Cannot reach %1: the name is not known on this network").arg(where);
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("Cannot reach %1: no answer within %2 s").arg(where).arg(kTimeoutMs / 1000);
    case QNetworkReply::RemoteHostClosedError:
        // hlscam closes a banned address's connections at accept, before a byte is read.
        return QStringLiteral(
                   "%1 closed the connection without an answer: this computer's address may be banned "
                   "after failed logins. Unban it from another computer, or on the board with "
                   "`hlscam bans unban ADDRESS`")
            .arg(where);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("Secure connection to %1 failed: %2").arg(where, reply->errorString());
    default: return QStringLiteral("Cannot reach %1: %2").arg(where, reply->errorString());
    }
}

}  // namespace

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
{
    m_network.setAutoDeleteReplies(true);
}

QUrl ApiClient::serviceUrl(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty()) {
        if (error)
            *error = QStringLiteral("Enter the board's address, e.g. 192.168.1.20:8080");
        return {};
    }
    QUrl url =
        QUrl::fromUserInput(trimmed.contains(QLatin1String("://")) ? trimmed : QStringLiteral("http://") + trimmed);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"http" && url.scheme() != u"https")) {
        if (error)
            *error =
                QStringLiteral("'%1' is not an address (try host:port, e.g. 192.168.1.20:8080)").arg(trimmed.left(80));
        return {};
    }
    if (url.port() < 0 && url.scheme() == u"http")
        url.setPort(8080);  // the service's default port
    url.setPath(QString());
    url.setQuery(QString());
    url.setFragment(QString());
    url.setUserInfo(QString());
    return url;
}

void ApiClient::setService(const QUrl &base, const QString &user, const QString &password,
                           const QString &pinnedFingerprint)
{
    // Connections kept alive for another board, or another certificate, are not reused.
    m_network.clearConnectionCache();
    m_base = base;
    m_user = user;
    m_authorization = "Basic " + (user + QLatin1Char(':') + password).toUtf8().toBase64();
    m_pin = pinnedFingerprint;
}

void ApiClient::probeCertificate(const QUrl &base, Probed done)
{
    m_network.clearConnectionCache();  // a fresh handshake, whose certificate we see
    QUrl url = base;
    url.setPath(QStringLiteral("/healthz"));
    QNetworkRequest request(url);  // no Authorization header: and it is never written anyway
    request.setTransferTimeout(kTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_network.get(request);
    auto seen = std::make_shared<QSslCertificate>();
    // An untrusted certificate: noted, errors not ignored, so the handshake fails here.
    connect(reply, &QNetworkReply::sslErrors, reply,
            [reply, seen](const QList<QSslError> &) { *seen = reply->sslConfiguration().peerCertificate(); });
    // One an authority vouches for: noted, and cut off before the request goes out.
    connect(reply, &QNetworkReply::encrypted, reply, [reply, seen] {
        *seen = reply->sslConfiguration().peerCertificate();
        reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, seen, base, done = std::move(done)] {
        if (!seen->isNull())
            return done(*seen, {});
        QString error = transportError(reply, base);
        if (reply->error() == QNetworkReply::NoError || reply->error() == QNetworkReply::OperationCanceledError)
            error = QStringLiteral("%1 did not show a certificate").arg(hostPort(base));
        done(QSslCertificate(), error);
    });
}

QUrl ApiClient::resolve(const QString &path) const { return m_base.resolved(QUrl(path)); }

void ApiClient::call(const QByteArray &method, const QString &path, const QJsonValue &body, Done done)
{
    QUrl url = m_base;
    url.setPath(QStringLiteral("/api/v1") + path, QUrl::TolerantMode);  // segments come percent-encoded
    QNetworkRequest request(url);
    const bool tls = url.scheme() == u"https";
    if (tls && m_pin.isEmpty()) {
        // Never credentials to a certificate nobody looked at; Session pins one before calling.
        QTimer::singleShot(0, this, [this, done = std::move(done)] {
            done(ApiReply{0, {}, QStringLiteral("%1: its certificate is not trusted yet").arg(hostPort(m_base))});
        });
        return;
    }
    request.setRawHeader("Authorization", m_authorization);
    request.setTransferTimeout(kTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QByteArray payload;
    if (!body.isUndefined()) {
        payload = body.isArray() ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    }
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, payload);
    if (tls) {
        const QString pin = m_pin;
        connect(reply, &QNetworkReply::sslErrors, reply, [reply, pin](const QList<QSslError> &) {
            const QString presented = peerFingerprint(reply);
            if (presented == pin)
                reply->ignoreSslErrors();  // self-signed, other name: the certificate trusted on first use
            else
                reply->setProperty(kPresented, presented);
        });
        connect(reply, &QNetworkReply::encrypted, reply, [reply, pin] {
            const QString presented = peerFingerprint(reply);
            if (presented != pin) {  // an authority's certificate, but not the one trusted
                reply->setProperty(kPresented, presented);
                reply->abort();
            }
        });
    }
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxReplyBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, done = std::move(done)] {
        const ApiReply result = interpret(reply);
        if (result.status == 401)
            Q_EMIT unauthorized(result.error);
        if (!reply->property(kPresented).toString().isEmpty())
            Q_EMIT certificateChanged(result.error);
        done(result);
    });
}

ApiReply ApiClient::interpret(QNetworkReply *reply) const
{
    ApiReply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();  // closed when aborted
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError)
        out.json = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    if (out.status == 0) {
        const QString presented = reply->property(kPresented).toString();
        out.error = presented.isEmpty()
                        ? transportError(reply, m_base)
                        : QStringLiteral(
                              "%1 showed another certificate than the one trusted for it, so nothing was sent "
                              "(trusted SHA-256 %2, shown %3)")
                              .arg(hostPort(m_base), m_pin, presented);
        return out;
    }
    if (out.status >= 200 && out.status < 300)
        return out;
    const QString message = out.json.toObject().value(QStringLiteral("error")).toString();
    switch (out.status) {
    case 401:
        out.error = QStringLiteral("Wrong user name or password for %1 (too many failures ban this computer's address)")
                        .arg(m_base.host());
        break;
    case 403:
        out.error = message.isEmpty()
                        ? QStringLiteral("The account '%1' is not an admin: managing the board needs the admin role")
                              .arg(m_user)
                        : message;
        break;
    case 404:
        out.error = message.isEmpty() ? QStringLiteral("This is not an hlscam service (no /api/v1 there)") : message;
        break;
    default:
        out.error = message.isEmpty()
                        ? QStringLiteral("The service answered %1 %2")
                              .arg(out.status)
                              .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                        : message;
    }
    return out;
}

}  // namespace hlscam::ui
