#include "Service.h"

#include "Logging.h"
#include "ReloadPlan.h"
#include "acme/AcmeCertificate.h"
#include "acme/HttpPort.h"
#include "auth/Authenticator.h"
#include "auth/BanStore.h"
#include "auth/UrlToken.h"
#include "auth/UsersFile.h"
#include "camera/Camera.h"
#include "config/StatePaths.h"
#include "http/HttpServer.h"
#include "net/Listener.h"
#include "net/TlsFiles.h"
#include "pipeline/Pipeline.h"
#include "webrtc/WebRtcServer.h"

#include <QNetworkInterface>

namespace hlscam {

bool isWildcard(const QHostAddress &a)
{
    // Three different addresses: clang-tidy 14 compares overloaded == calls without their arguments.
    // NOLINTNEXTLINE(misc-redundant-expression)
    return a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a == QHostAddress::AnyIPv6;
}

QString urlHost(const QHostAddress &a)
{
    return a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(a.toString()) : a.toString();
}

QStringList openUrls(const QString &scheme, const QHostAddress &bound, quint16 port)
{
    QStringList urls;
    if (!isWildcard(bound))
        return {QStringLiteral("%1://%2:%3/").arg(scheme, urlHost(bound)).arg(port)};
    urls << QStringLiteral("%1://localhost:%2/").arg(scheme).arg(port);
    for (const QHostAddress &a : QNetworkInterface::allAddresses())
        if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLinkLocal())
            urls << QStringLiteral("%1://%2:%3/").arg(scheme, a.toString()).arg(port);
    return urls;
}

Service::Service(Settings settings, SettingsSources sources)
    : m_settings(std::move(settings)),
      m_sources(std::move(sources))
{}

Service::~Service() { stop(); }

Error Service::start()
{
    if (Error e = prepareStateDir(m_settings))
        return e;
    const QString usersPath = usersFilePath(m_settings);
    Result<std::optional<QString>> admin = ensureAdmin(usersPath);
    if (!admin.ok())
        return admin.error();
    m_firstRunPassword = admin.value();

    std::optional<QSslConfiguration> tls;
    if (!m_settings.server.tlsCert.isEmpty()) {
        Result<QSslConfiguration> loaded = loadTlsFiles(m_settings.server.tlsCert, m_settings.server.tlsKey);
        if (!loaded.ok())
            return loaded.error();
        tls = loaded.value();
    }
    if (m_settings.tls.acmeEnabled()) {
        m_acme = std::make_unique<AcmeCertificate>(m_settings.tls, stateDir(m_settings));
        if (Error e = m_acme->load())
            return e;
        tls = m_acme->configuration();
    }
    m_tls = tls.has_value();
    if (tls)
        m_fingerprint = hlscam::certificateFingerprint(tls->localCertificate());
    const Result<QByteArray> tokenSecret = UrlToken::loadOrCreateSecret(tokenKeyPath(m_settings));
    if (!tokenSecret.ok())
        return tokenSecret.error();
    m_bans = std::make_unique<BanStore>(bansFilePath(m_settings), m_settings.bans);
    if (const Error e = m_bans->load())
        qCWarning(lcService).noquote() << e.message;
    m_bans->watch();

    m_auth = std::make_unique<Authenticator>(usersPath, tokenSecret.value(), m_settings.auth);
    QStringList cameraNames;
    for (const CameraSettings &camera : std::as_const(m_settings.cameras)) {
        m_owned.push_back(std::make_unique<Pipeline>(camera, m_settings.hls));
        m_cameras.append(m_owned.back().get());
        cameraNames << camera.name;
    }
    m_auth->setCameraNames(cameraNames);
    m_http = std::make_unique<HttpServer>(m_cameras, m_auth.get(), m_bans.get(), m_settings);
    if (m_settings.webrtc.enabled) {
        m_webrtc = std::make_unique<WebRtcServer>(m_settings.webrtc, m_cameras, m_bans.get());
        // Optional: without its port the page plays LL-HLS, as it does where UDP is blocked.
        if (const Error e = m_webrtc->start()) {
            qCWarning(lcService).noquote() << e.message << "- WebRTC is off, viewers get LL-HLS";
            m_webrtc.reset();
        } else {
            m_http->setWebRtc(m_webrtc.get());
        }
    }
    auto *tcp = new Listener(m_settings.server, m_bans.get(), tls, m_http.get());
    tcp->setStrictTransport(!m_acme || m_acme->issued());
    if (!tcp->listen(m_settings.server.address, m_settings.server.port)) {
        const QString why = QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(urlHost(m_settings.server.address))
                                .arg(m_settings.server.port)
                                .arg(tcp->errorString());
        delete tcp;
        return {Fault::Io, why};
    }
    m_http->bindListener(tcp);
    m_listener = tcp;
    const ServerSettings::HttpListen http = m_settings.server.httpListen;
    if (http == ServerSettings::HttpListen::On || (http == ServerSettings::HttpListen::Default && m_acme)) {
        static const AcmeChallenges none;
        m_httpPort = std::make_unique<HttpPort>(m_acme ? m_acme->challenges() : &none, m_bans.get(), tcp->serverPort());
        if (!m_httpPort->listen(m_settings.server.httpAddress, m_settings.server.httpPort))
            return {Fault::Io, QStringLiteral("cannot listen on %1:%2 for HTTP ([server] http_listen): %3")
                                   .arg(urlHost(m_settings.server.httpAddress))
                                   .arg(m_settings.server.httpPort)
                                   .arg(m_httpPort->errorString())};
        qCInfo(lcService).noquote().nospace()
            << "HTTP on " << urlHost(m_httpPort->serverAddress()) << ":" << m_httpPort->serverPort()
            << ": ACME challenges, and redirects to HTTPS";
    }
    if (m_acme) {
        m_http->setAcme(m_acme.get());
        QObject::connect(m_acme.get(), &AcmeCertificate::configurationChanged, tcp,
                         [this, tcp](const QSslConfiguration &conf) {
                             tcp->setTlsConfiguration(conf);
                             tcp->setStrictTransport(m_acme->issued());
                             m_fingerprint = hlscam::certificateFingerprint(conf.localCertificate());
                         });
        m_acme->start();
    }
    for (const std::unique_ptr<Pipeline> &p : m_owned)
        p->start();
    return {};
}

void Service::stop()
{
    for (const std::unique_ptr<Pipeline> &p : m_owned)
        p->stop();
}

QString Service::scheme() const { return m_tls ? QStringLiteral("https") : QStringLiteral("http"); }

QHostAddress Service::address() const { return m_listener ? m_listener->serverAddress() : QHostAddress(); }

quint16 Service::httpPort() const { return m_httpPort ? m_httpPort->serverPort() : 0; }

quint16 Service::port() const { return m_listener ? m_listener->serverPort() : 0; }

void Service::reload()
{
    m_auth->reload();
    if (const Error e = m_bans->load())
        qCWarning(lcService).noquote() << e.message;
    qCInfo(lcService) << "reloaded users and bans (SIGHUP)";

    const Result<AssembledSettings> loaded = assembleSettings(m_sources);
    if (!loaded.ok()) {
        qCCritical(lcService).noquote() << loaded.error().message;
        qCCritical(lcService) << "reload: the configuration has a mistake; still running on the previous one";
        return;
    }
    for (const QString &note : loaded.value().notes)
        qCWarning(lcService).noquote() << note;
    // The cameras as they run now (a reload or the API may have changed them); the rest as started.
    Settings running = m_settings;
    for (CameraSettings &c : running.cameras)
        for (const Camera *camera : std::as_const(m_cameras))
            if (camera->name() == c.name)
                c = camera->settings();
    const ReloadPlan plan = planReload(running, loaded.value().settings);
    for (const CameraSettings &settings : plan.camerasToRestart) {
        for (Camera *camera : std::as_const(m_cameras)) {
            if (camera->name() != settings.name)
                continue;
            qCInfo(lcService).noquote().nospace()
                << "reload: " << settings.name << ": new settings, restarting its pipeline";
            camera->reconfigure(settings);
        }
    }
    if (!plan.needRestart.isEmpty())
        qCWarning(lcService).noquote() << "reload: changes to" << plan.needRestart.join(QStringLiteral(", "))
                                       << "take effect at the next restart";
}

}  // namespace hlscam
