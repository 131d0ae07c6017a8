#include "Service.h"

#include "Logging.h"
#include "ReloadPlan.h"
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

QString Service::start(bool *usageError)
{
    auto fail = [usageError](const QString &error, bool usage = false) {
        if (usageError)
            *usageError = usage;
        return error;
    };
    if (QString e = prepareStateDir(m_settings); !e.isEmpty())
        return fail(e);
    const QString usersPath = usersFilePath(m_settings);
    QString error;
    m_firstRunPassword = ensureAdmin(usersPath, &error);
    if (!error.isEmpty())
        return fail(error);

    std::optional<QSslConfiguration> tls;
    if (!m_settings.server.tlsCert.isEmpty()) {
        tls = loadTlsFiles(m_settings.server.tlsCert, m_settings.server.tlsKey, &error);
        if (!tls)
            return fail(error, true);
    }
    m_tls = tls.has_value();
    if (tls)
        m_fingerprint = hlscam::certificateFingerprint(tls->localCertificate());
    std::optional<QByteArray> tokenSecret = UrlToken::loadOrCreateSecret(tokenKeyPath(m_settings), &error);
    if (!tokenSecret)
        return fail(error);
    m_bans = std::make_unique<BanStore>(bansFilePath(m_settings), m_settings.bans);
    if (QString e = m_bans->load(); !e.isEmpty())
        qCWarning(lcService).noquote() << e;
    m_bans->watch();

    m_auth = std::make_unique<Authenticator>(usersPath, *tokenSecret);
    for (const CameraSettings &camera : std::as_const(m_settings.cameras)) {
        m_owned.push_back(std::make_unique<Pipeline>(camera, m_settings.hls));
        m_cameras.append(m_owned.back().get());
    }
    m_http = std::make_unique<HttpServer>(m_cameras, m_auth.get(), m_bans.get(), m_settings);
    auto *tcp = new Listener(m_settings.server, m_bans.get(), tls, m_http.get());
    if (!tcp->listen(m_settings.server.address, m_settings.server.port)) {
        const QString why = QStringLiteral("cannot listen on %1:%2: %3")
                                .arg(urlHost(m_settings.server.address))
                                .arg(m_settings.server.port)
                                .arg(tcp->errorString());
        delete tcp;
        return fail(why);
    }
    m_http->bindListener(tcp);
    m_listener = tcp;
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

quint16 Service::port() const { return m_listener ? m_listener->serverPort() : 0; }

void Service::reload()
{
    m_auth->reload();
    if (const QString e = m_bans->load(); !e.isEmpty())
        qCWarning(lcService).noquote() << e;
    qCInfo(lcService) << "reloaded users and bans (SIGHUP)";

    const AssembledSettings loaded = assembleSettings(m_sources);
    if (!loaded.settings) {
        qCCritical(lcService).noquote() << loaded.error;
        qCCritical(lcService) << "reload: the configuration has a mistake; still running on the previous one";
        return;
    }
    for (const QString &note : loaded.notes)
        qCWarning(lcService).noquote() << note;
    // The cameras as they run now (a reload or the API may have changed them); the rest as started.
    Settings running = m_settings;
    for (CameraSettings &c : running.cameras)
        for (const Camera *camera : std::as_const(m_cameras))
            if (camera->name() == c.name)
                c = camera->settings();
    const ReloadPlan plan = planReload(running, *loaded.settings);
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
