// The desktop app's only way to a service: its public HTTP API (/api/v1) with Basic credentials,
// over QNetworkAccessManager. Turns every failure into a sentence a person can act on.
//
// HTTPS boards usually have a self-signed certificate, which no authority vouches for: the app
// trusts it on first use (Session asks the person and remembers its fingerprint). Credentials go
// only over a connection whose handshake showed that very certificate: a request's TLS errors
// are ignored only when the peer's certificate has the pinned fingerprint, and a handshake that
// ends with another certificate (even one an authority signed) is aborted before the request
// is written (QNetworkReply::encrypted comes before any data is sent).
#pragma once

#include "Error.h"

#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>
#include <functional>

namespace hlscam::ui {

struct ApiReply {
    int status = 0;   // HTTP status; 0 when no answer came
    QJsonValue json;  // the body, when it was JSON
    QString error;    // empty on success (2xx); else what went wrong, for a person
    bool ok() const { return error.isEmpty(); }
};

class ApiClient : public QObject {
    Q_OBJECT
public:
    explicit ApiClient(QObject *parent = nullptr);

    // "board.local:8080", "http://192.168.1.20:8080", "https://cam.example"; Fault::Config with
    // what to type when the text is not an address.
    static Result<QUrl> serviceUrl(const QString &text);

    // `pinnedFingerprint` (certificateFingerprint's form): for an https base, the certificate the
    // credentials may go to; without it nothing is sent to an https base.
    void setService(const QUrl &base, const QString &user, const QString &password,
                    const QString &pinnedFingerprint = {});
    QUrl base() const { return m_base; }
    QString user() const { return m_user; }
    // An absolute URL on the service for a path the API returned ("/cam/cam0/index.m3u8?token=").
    QUrl resolve(const QString &path) const;

    using Done = std::function<void(const ApiReply &)>;
    // `path` under /api/v1, e.g. "/users"; `body` sent as JSON when not undefined. `done` runs in
    // this object's thread, never after this object is gone.
    void call(const QByteArray &method, const QString &path, const QJsonValue &body, Done done);
    void get(const QString &path, Done done) { call("GET", path, QJsonValue::Undefined, std::move(done)); }

    // Opens a TLS connection to the https `base` only to read its certificate: the handshake is
    // cut off before a request is written, so nothing at all (no credentials) is sent. `done`
    // gets the certificate, or a null one and what went wrong.
    using Probed = std::function<void(const QSslCertificate &certificate, const QString &error)>;
    void probeCertificate(const QUrl &base, Probed done);

Q_SIGNALS:
    // A reply said the credentials are no longer good (401), e.g. the password was changed.
    void unauthorized(const QString &message);
    // The https service showed another certificate than the pinned one; nothing was sent.
    void certificateChanged(const QString &message);

private:
    ApiReply interpret(class QNetworkReply *reply) const;

    QNetworkAccessManager m_network;
    QUrl m_base;
    QString m_user;
    QByteArray m_authorization;
    QString m_pin;
};

}  // namespace hlscam::ui
