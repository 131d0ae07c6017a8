// `hlscam serve`: starts one pipeline per camera and the HTTP server, until SIGINT or SIGTERM.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StopSignals.h"
#include "SystemdNotifier.h"

#include "LanAnnouncer.h"
#include "Logging.h"
#include "Service.h"
#include "auth/AddressSet.h"
#include "http/HttpServer.h"

#include <QCoreApplication>
#include <QNetworkInterface>

#include <sys/resource.h>

namespace hlscam::app {

namespace {

// Passwords in Basic auth travel readable over plain HTTP: say so loudly when the service can be
// reached on an address that is not private (a public IPv4 or a global IPv6 of this machine).
void warnIfExposed(const QHostAddress &bound)
{
    QList<QHostAddress> reachable;
    if (isWildcard(bound))
        reachable = QNetworkInterface::allAddresses();
    else
        reachable = {bound};
    QStringList exposed;
    for (const QHostAddress &a : std::as_const(reachable))
        if (!isPrivateAddress(a) && !a.isNull())
            exposed << a.toString();
    if (exposed.isEmpty())
        return;
    qCWarning(lcService).noquote() << QStringLiteral(
                                          "serving plain HTTP with Basic authentication on the public address(es) "
                                          "%1: passwords can be read on the way. Set tls_cert and tls_key in "
                                          "[server], or listen on a private address behind an HTTPS proxy.")
                                          .arg(exposed.join(QStringLiteral(", ")));
}

// Each connection is a descriptor: lift the soft limit to the hard one, so max_connections
// is not cut short by the default 1024.
void raiseDescriptorLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// Where the settings come from: --config (else /etc/hlscam/hlscam.conf when it exists), and the
// flags that override it.
SettingsSources sourcesOf(const QCommandLineParser &parser)
{
    SettingsSources sources;
    sources.configFile = configFileOf(parser);
    const auto flag = [&parser](const char *name) -> std::optional<QString> {
        const QString option = QLatin1String(name);
        return parser.isSet(option) ? std::optional<QString>(parser.value(option)) : std::nullopt;
    };
    sources.stateDir = flag("state-dir");
    sources.listen = flag("listen");
    sources.source = flag("source");
    return sources;
}

}  // namespace

int serve(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the camera streaming service."));
    addCommonOptions(parser);
    parser.addOption({QStringLiteral("listen"), QStringLiteral("Address and port to listen on (default 0.0.0.0:8080)."),
                      QStringLiteral("ADDR:PORT")});
    parser.addOption(
        {QStringLiteral("source"),
         QStringLiteral("The first camera's source: auto, testpattern, /dev/videoN, rpicam, exec:COMMAND or a "
                        "media file."),
         QStringLiteral("SOURCE")});
    if (auto exit = parseOrExit(parser, args))
        return *exit;
    const SettingsSources sources = sourcesOf(parser);
    const Result<AssembledSettings> loaded = assembleSettings(sources);
    if (!loaded.ok()) {
        qCCritical(lcService).noquote() << loaded.error().message;
        return loaded.error().fault == Fault::Config ? kExitUsage : kExitFailure;
    }
    for (const QString &note : loaded.value().notes)
        qCWarning(lcService).noquote() << note;
    raiseDescriptorLimit();
    StopSignals stopSignals;
    Service service(loaded.value().settings, sources);
    if (const Error error = service.start()) {
        qCCritical(lcService).noquote() << error.message;
        return error.fault == Fault::Config ? kExitUsage : kExitFailure;
    }
    if (const std::optional<QString> &password = service.firstRunPassword()) {
        // Shown once, on the first start: it is not stored anywhere in clear.
        qCWarning(lcService).noquote() << QStringLiteral(
                                              "first start: created user 'admin' (role admin) with password\n\n"
                                              "    %1\n\nit is shown only this once; change it with "
                                              "`hlscam users passwd admin`\n")
                                              .arg(*password);
    }
    const Settings &settings = service.settings();
    const QList<Camera *> &cameras = service.cameras();
    if (service.scheme() == QLatin1String("http"))
        warnIfExposed(service.address());
    if (settings.auth.anonymousViewers)
        qCWarning(lcService) << "anonymous = viewer: anyone who can reach this service can watch without a "
                                "password ([auth] in the config file)";
    // Found on the LAN by the desktop app and DNS-SD browsers; goodbye when it goes out of scope.
    std::optional<LanAnnouncer> announcer;
    if (settings.server.announce) {
        const Announcement announcement{settings.server.announceName, service.port(),
                                        service.scheme() == QLatin1String("https"), service.address()};
        if (const Error error = announcer.emplace(announcement, settings.server.announceBackend).start())
            qCWarning(lcService).noquote() << "not announced on the LAN:" << error.message;
    }
    HttpServer *server = service.http();
    SystemdNotifier systemd(cameras, [server](const QString &camera) { return server->viewers(camera); });

    qCInfo(lcService).noquote().nospace()
        << "listening on " << service.scheme() << "://" << urlHost(service.address()) << ":" << service.port() << "/";
    qCInfo(lcService).noquote()
        << "open" << openUrls(service.scheme(), service.address(), service.port()).join(QStringLiteral(" or "));
    // The desktop app shows this when it first connects (trust on first use): compare them.
    if (!service.certificateFingerprint().isEmpty())
        qCInfo(lcService).noquote() << "certificate SHA-256 fingerprint" << service.certificateFingerprint();

    QObject::connect(&stopSignals, &StopSignals::stopRequested, qApp, &QCoreApplication::quit);
    // Users and bans are also re-read whenever their files change; SIGHUP makes it explicit, and
    // re-reads the config file.
    QObject::connect(&stopSignals, &StopSignals::reloadRequested, qApp, [&] {
        systemd.send("RELOADING=1");
        service.reload();
        systemd.send("READY=1");
    });
    const int status = QCoreApplication::exec();
    systemd.send("STOPPING=1");
    service.stop();
    return status;
}

}  // namespace hlscam::app
