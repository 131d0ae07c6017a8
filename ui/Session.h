// The app's connection to one service, remote or local: logs in through the API, polls its
// status, keeps a preview token, remembers recent addresses. Local mode runs a service in this
// process on 127.0.0.1 and then connects to it exactly as to a board on the LAN.
//
// HTTPS boards: trust on first use. Before any credentials go out, a credential-less handshake
// shows the board's certificate; the first time, its SHA-256 fingerprint is put to the person
// (trustFingerprint) and, once trusted, kept in QSettings per host:port. Afterwards the login
// goes on only when the board shows that same certificate (ApiClient pins it); a changed one is
// refused with both fingerprints, and the password is not sent.
#pragma once

#include "ApiClient.h"
#include "JsonListModel.h"

#include <QTimer>
#include <QUrl>
#include <memory>

namespace hlscam::ui {

class LocalService;

class Session : public QObject {
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY connectedChanged)
    Q_PROPERTY(bool connected READ connected NOTIFY connectedChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY connectedChanged)
    Q_PROPERTY(bool local READ local NOTIFY connectedChanged)
    Q_PROPERTY(QString address READ address NOTIFY connectedChanged)
    Q_PROPERTY(QString user READ user NOTIFY connectedChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString version READ version NOTIFY statusChanged)
    Q_PROPERTY(int uptime READ uptime NOTIFY statusChanged)
    Q_PROPERTY(hlscam::ui::JsonListModel *cameras READ cameras CONSTANT)
    Q_PROPERTY(hlscam::ui::JsonListModel *recent READ recent CONSTANT)
    Q_PROPERTY(QString previewCamera READ previewCamera WRITE setPreviewCamera NOTIFY previewChanged)
    Q_PROPERTY(QUrl previewUrl READ previewUrl NOTIFY previewChanged)
    // A trust prompt is up while trustFingerprint is not empty: the board at trustAddress shows
    // a certificate with this fingerprint for the first time.
    Q_PROPERTY(QString trustAddress READ trustAddress NOTIFY trustChanged)
    Q_PROPERTY(QString trustFingerprint READ trustFingerprint NOTIFY trustChanged)
    // host:port of a board that showed another certificate than the trusted one (else empty).
    Q_PROPERTY(QString changedCertificate READ changedCertificate NOTIFY trustChanged)
public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit Session(QObject *parent = nullptr);
    ~Session() override;

    State state() const { return m_state; }
    bool connected() const { return m_state == State::Connected; }
    bool busy() const { return m_state == State::Connecting; }
    bool local() const { return m_local != nullptr; }
    QString address() const { return m_address; }
    QString user() const { return m_api.user(); }
    QString error() const { return m_error; }
    QString progress() const { return m_progress; }
    QString version() const { return m_version; }
    int uptime() const { return m_uptime; }
    JsonListModel *cameras() { return &m_cameras; }
    JsonListModel *recent() { return &m_recent; }
    QString previewCamera() const { return m_previewCamera; }
    void setPreviewCamera(const QString &camera);
    QUrl previewUrl() const { return m_previewUrl; }
    QString trustAddress() const { return m_pendingBase.toString(); }
    QString trustFingerprint() const { return m_trustFingerprint; }
    QString changedCertificate() const { return m_changedCertificate; }

    ApiClient *api() { return &m_api; }

    // Logs in to the service at `address` (host:port or a URL) as an admin.
    Q_INVOKABLE void connectTo(const QString &address, const QString &user, const QString &password);
    // Starts a service in this process (the per-user config, else the defaults: the first camera
    // or the test pattern) on 127.0.0.1 and connects to it.
    Q_INVOKABLE void startLocal();
    // Leaves the service (and stops the local one).
    Q_INVOKABLE void disconnectFrom();
    Q_INVOKABLE void forgetRecent(const QString &address);
    Q_INVOKABLE void clearError();
    // Where connectTo(text) would log in: "http://host:port" or "https://host:port", empty when
    // the text is not an address. The connect page shows it before anything is sent.
    Q_INVOKABLE QString loginTarget(const QString &text) const;
    // The answer to the trust prompt: remember the certificate and log in, or send nothing.
    Q_INVOKABLE void trustCertificate();
    Q_INVOKABLE void cancelTrust();
    // Drops the certificate trusted for changedCertificate: the next login asks again.
    Q_INVOKABLE void forgetCertificate();

    // Where local mode keeps its state (users, bans, camera changes): per user, apart from
    // `hlscam serve`'s. Tests point it elsewhere.
    static QString localStateDir();

Q_SIGNALS:
    void connectedChanged();
    void errorChanged();
    void progressChanged();
    void statusChanged();
    void previewChanged();
    void trustChanged();

private:
    void checkCertificate(const QUrl &base, const QString &user, const QString &password);
    void logIn(const QUrl &base, const QString &user, const QString &password, const QString &fingerprint);
    void clearTrust();
    void setState(State state);
    void setError(const QString &error);
    void setProgress(const QString &progress);
    void pollStatus();
    void takeStatus(const QJsonObject &status);
    void renewPreviewToken();
    void remember(const QString &address, const QString &user);
    void stopLocal();

    ApiClient m_api;
    State m_state = State::Disconnected;
    QString m_address;
    QString m_error;
    QString m_progress;
    QString m_version;
    int m_uptime = 0;
    int m_failedPolls = 0;
    JsonListModel m_cameras;
    JsonListModel m_recent;
    QString m_previewCamera;
    QString m_previewToken;
    QUrl m_previewUrl;
    QTimer m_poll;
    QTimer m_tokenRenewal;
    std::unique_ptr<LocalService> m_local;
    // The login waiting on the certificate check or the trust prompt.
    QUrl m_pendingBase;
    QString m_pendingUser;
    QString m_pendingPassword;
    QString m_trustFingerprint;
    QString m_changedCertificate;
};

}  // namespace hlscam::ui
