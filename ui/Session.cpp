#include "Session.h"

#include "LocalService.h"
#include "TrustedCertificates.h"
#include "auth/UserChange.h"
#include "auth/UsersFile.h"
#include "config/StatePaths.h"
#include "net/TlsFiles.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>

namespace hlscam::ui {

namespace {

constexpr int kPollMs = 2000;
constexpr int kRecentMax = 8;
constexpr qint64 kPreviewTokenSeconds = qint64{12} * 3600;
const QString kLocalUser = QStringLiteral("desktop");

QStringList statusKeys()
{
    return {QStringLiteral("name"),
            QStringLiteral("state"),
            QStringLiteral("source"),
            QStringLiteral("encoder_in_use"),
            QStringLiteral("encoders_passed_over"),
            QStringLiteral("width"),
            QStringLiteral("height"),
            QStringLiteral("fps"),
            QStringLiteral("bitrate"),
            QStringLiteral("viewers"),
            QStringLiteral("last_error"),
            QStringLiteral("fault"),
            QStringLiteral("frames"),
            QStringLiteral("part_delay_ms"),
            QStringLiteral("last_part_age_ms")};
}

QString perUserConfigPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/hlscam/hlscam.conf");
}

}  // namespace

Session::Session(QObject *parent)
    : QObject(parent),
      m_cameras(statusKeys()),
      m_recent({QStringLiteral("address"), QStringLiteral("user")})
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &Session::pollStatus);
    m_tokenRenewal.setInterval(int(kPreviewTokenSeconds - 3600) * 1000);
    connect(&m_tokenRenewal, &QTimer::timeout, this, &Session::renewPreviewToken);
    connect(&m_api, &ApiClient::unauthorized, this, [this](const QString &message) {
        if (!connected())
            return;
        disconnectFrom();
        setError(message);
    });
    // Someone else answers on the board's address: leave at once, so the preview stops too (its
    // player, FFmpeg inside Qt Multimedia, does not check the pinned certificate).
    connect(&m_api, &ApiClient::certificateChanged, this, [this](const QString &message) {
        if (!connected())
            return;
        const QString authority = m_api.base().authority();
        disconnectFrom();
        setError(message);
        m_changedCertificate = authority;
        Q_EMIT trustChanged();
    });
    const QJsonDocument saved = QJsonDocument::fromJson(QSettings().value(QStringLiteral("recent")).toByteArray());
    m_recent.setRows(saved.array());
}

Session::~Session() { stopLocal(); }

QString Session::localStateDir()
{
    QString xdg = qEnvironmentVariable("XDG_STATE_HOME");
    if (xdg.isEmpty())
        xdg = QDir::homePath() + QStringLiteral("/.local/state");
    return xdg + QStringLiteral("/hlscam/desktop");
}

void Session::connectTo(const QString &address, const QString &user, const QString &password)
{
    if (m_state != State::Disconnected && !m_local)
        disconnectFrom();
    clearTrust();
    const Result<QUrl> parsed = ApiClient::serviceUrl(address);
    if (!parsed.ok())
        return setError(parsed.error().message);
    const QUrl &base = parsed.value();
    if (user.trimmed().isEmpty())
        return setError(QStringLiteral("Enter the admin's user name"));
    setError({});
    m_address = base.toString();
    if (base.scheme() == u"https")
        return checkCertificate(base, user.trimmed(), password);
    logIn(base, user.trimmed(), password, {});
}

// Step one with HTTPS: the board's certificate, through a handshake that sends nothing.
void Session::checkCertificate(const QUrl &base, const QString &user, const QString &password)
{
    m_pendingBase = base;
    setProgress(QStringLiteral("Checking the certificate of %1…").arg(base.authority()));
    setState(State::Connecting);
    m_api.probeCertificate(base, [this, base, user, password](const QSslCertificate &certificate,
                                                              const QString &error) {
        if (m_state != State::Connecting || m_pendingBase != base)
            return;  // given up or replaced meanwhile
        setProgress({});
        const QString shown = certificateFingerprint(certificate);
        const QString trusted = trusted::fingerprint(base.authority());
        if (!shown.isEmpty() && shown == trusted)
            return logIn(base, user, password, shown);
        setState(State::Disconnected);
        if (shown.isEmpty()) {
            clearTrust();
            return setError(error);
        }
        if (trusted.isEmpty()) {  // first use: the person decides
            m_pendingUser = user;
            m_pendingPassword = password;
            m_trustFingerprint = shown;
            Q_EMIT trustChanged();
            return;
        }
        clearTrust();
        m_changedCertificate = base.authority();
        Q_EMIT trustChanged();
        setError(QStringLiteral("The certificate of %1 is not the one you trusted, so the password was not sent. "
                                "Trusted: SHA-256 %2. Shown now: SHA-256 %3. Someone on the network may be posing as "
                                "the board. If its certificate was replaced on purpose, compare the new fingerprint "
                                "with the one the board prints when it starts, then forget the old one.")
                     .arg(base.authority(), trusted, shown));
    });
}

void Session::logIn(const QUrl &base, const QString &user, const QString &password, const QString &fingerprint)
{
    m_api.setService(base, user, password, fingerprint);
    setProgress(QStringLiteral("Logging in to %1…").arg(base.authority()));
    setState(State::Connecting);
    m_api.get(QStringLiteral("/status"), [this, base](const ApiReply &reply) {
        if (m_state != State::Connecting || m_api.base() != base)
            return;  // given up or replaced meanwhile
        setProgress({});
        if (!reply.ok()) {
            stopLocal();
            setState(State::Disconnected);
            return setError(reply.error);
        }
        takeStatus(reply.json.toObject());
        // An https board is listed with its scheme, so picking it again checks its certificate.
        if (!m_local)
            remember(base.scheme() == u"https" ? base.toString() : base.authority(), m_api.user());
        setState(State::Connected);
        renewPreviewToken();
        m_poll.start();
        m_tokenRenewal.start();
    });
}

QString Session::loginTarget(const QString &text) const
{
    const Result<QUrl> base = ApiClient::serviceUrl(text);
    return base.ok() ? base.value().toString() : QString();
}

void Session::trustCertificate()
{
    if (m_trustFingerprint.isEmpty())
        return;
    const QUrl base = m_pendingBase;
    const QString fingerprint = m_trustFingerprint;
    const QString user = m_pendingUser;
    const QString password = m_pendingPassword;
    trusted::remember(base.authority(), fingerprint);
    clearTrust();
    logIn(base, user, password, fingerprint);
}

void Session::cancelTrust()
{
    clearTrust();
    m_address.clear();
}

void Session::forgetCertificate()
{
    if (m_changedCertificate.isEmpty())
        return;
    trusted::forget(m_changedCertificate);
    m_changedCertificate.clear();
    Q_EMIT trustChanged();
    setError({});
}

void Session::clearTrust()
{
    const bool shown = !m_trustFingerprint.isEmpty() || !m_changedCertificate.isEmpty();
    m_pendingBase.clear();
    m_pendingUser.clear();
    m_pendingPassword.clear();
    m_trustFingerprint.clear();
    m_changedCertificate.clear();
    if (shown)
        Q_EMIT trustChanged();
}

void Session::startLocal()
{
    disconnectFrom();
    setError({});
    SettingsSources sources;
    if (const QString config = perUserConfigPath(); QFile::exists(config))
        sources.configFile = config;
    sources.stateDir = localStateDir();
    // Only this computer reaches the local service: the app is its one client.
    sources.listen = QStringLiteral("127.0.0.1:0");
    Settings where;
    where.paths.stateDir = *sources.stateDir;
    if (const Error e = prepareStateDir(where))
        return setError(e.message);
    const Result<AssembledSettings> assembled = assembleSettings(sources);
    if (!assembled.ok())
        return setError(assembled.error().message);
    const Settings &settings = assembled.value().settings;

    setState(State::Connecting);
    setProgress(QStringLiteral("Starting a service on this computer…"));
    // The app's own admin login, new at each start: it is never shown or stored in clear.
    const QString password = UsersFile::generatePassword();
    UserChange change{UserChange::Kind::Add, kLocalUser, password, Role::Admin};
    UserChangeResult result = applyUserChange(usersFilePath(settings), change);
    if (result.outcome == UserChangeResult::Outcome::Exists) {
        change.kind = UserChange::Kind::Update;
        result = applyUserChange(usersFilePath(settings), change);
    }
    if (!result.ok()) {
        setState(State::Disconnected);
        setProgress({});
        return setError(result.message);
    }
    m_local = std::make_unique<LocalService>(settings, sources);
    if (const Error e = m_local->start()) {
        m_local.reset();
        setState(State::Disconnected);
        setProgress({});
        return setError(QStringLiteral("Could not start the local service: %1").arg(e.message));
    }
    connectTo(QStringLiteral("http://127.0.0.1:%1").arg(m_local->port()), kLocalUser, password);
}

void Session::disconnectFrom()
{
    clearTrust();
    m_poll.stop();
    m_tokenRenewal.stop();
    m_previewToken.clear();
    m_previewUrl.clear();
    Q_EMIT previewChanged();
    m_cameras.setRows({});
    m_version.clear();
    Q_EMIT statusChanged();
    setProgress({});
    stopLocal();
    m_address.clear();
    setState(State::Disconnected);
}

void Session::stopLocal()
{
    if (!m_local)
        return;
    m_local.reset();
}

void Session::forgetRecent(const QString &address)
{
    QJsonArray rows = m_recent.rows();
    for (qsizetype i = rows.size() - 1; i >= 0; --i)
        if (rows.at(i).toObject().value(QStringLiteral("address")).toString() == address)
            rows.removeAt(i);
    m_recent.setRows(rows);
    QSettings().setValue(QStringLiteral("recent"), QJsonDocument(rows).toJson(QJsonDocument::Compact));
}

void Session::remember(const QString &address, const QString &user)
{
    forgetRecent(address);
    QJsonArray rows = m_recent.rows();
    rows.prepend(QJsonObject{{QStringLiteral("address"), address}, {QStringLiteral("user"), user}});
    while (rows.size() > kRecentMax)
        rows.removeLast();
    m_recent.setRows(rows);
    QSettings().setValue(QStringLiteral("recent"), QJsonDocument(rows).toJson(QJsonDocument::Compact));
}

void Session::clearError() { setError({}); }

void Session::setPreviewCamera(const QString &camera)
{
    if (camera == m_previewCamera)
        return;
    m_previewCamera = camera;
    m_previewUrl = m_previewToken.isEmpty()
                       ? QUrl()
                       : m_api.resolve(QStringLiteral("/cam/%1/index.m3u8?token=%2").arg(camera, m_previewToken));
    Q_EMIT previewChanged();
}

void Session::pollStatus()
{
    m_api.get(QStringLiteral("/status"), [this](const ApiReply &reply) {
        if (!connected())
            return;
        if (!reply.ok()) {
            ++m_failedPolls;
            return setError(
                QStringLiteral("Lost the connection to %1, retrying: %2").arg(m_api.base().authority(), reply.error));
        }
        if (m_failedPolls > 0) {
            m_failedPolls = 0;
            setError({});
        }
        takeStatus(reply.json.toObject());
    });
}

void Session::takeStatus(const QJsonObject &status)
{
    m_version = status.value(QStringLiteral("version")).toString();
    m_uptime = status.value(QStringLiteral("uptime_s")).toInt();
    const QJsonArray cameras = status.value(QStringLiteral("cameras")).toArray();
    m_cameras.setRows(cameras);
    if (m_cameras.find(QStringLiteral("name"), m_previewCamera) < 0)
        setPreviewCamera(cameras.isEmpty() ? QString()
                                           : cameras.first().toObject().value(QStringLiteral("name")).toString());
    Q_EMIT statusChanged();
}

// The preview plays the service's own stream like any player that cannot send a header: with a
// URL token (valid for every camera), renewed well before it expires.
void Session::renewPreviewToken()
{
    const QJsonObject request{{QStringLiteral("camera"), QStringLiteral("*")},
                              {QStringLiteral("ttl"), kPreviewTokenSeconds}};
    m_api.call("POST", QStringLiteral("/tokens"), request, [this](const ApiReply &reply) {
        if (!connected())
            return;
        if (!reply.ok())
            return setError(QStringLiteral("No preview: %1").arg(reply.error));
        m_previewToken = reply.json.toObject().value(QStringLiteral("token")).toString();
        const QString camera = m_previewCamera;
        m_previewCamera.clear();
        setPreviewCamera(camera);
    });
}

void Session::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT connectedChanged();
}

void Session::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

void Session::setProgress(const QString &progress)
{
    if (progress == m_progress)
        return;
    m_progress = progress;
    Q_EMIT progressChanged();
}

}  // namespace hlscam::ui
