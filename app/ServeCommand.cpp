// `hlscam serve`: starts one pipeline per camera and the HTTP server, until SIGINT or SIGTERM.
#include "Commands.h"
#include "ReloadPlan.h"
#include "SettingsOptions.h"
#include "SystemdNotifier.h"
#include "StopSignals.h"

#include "Service.h"
#include "auth/AddressSet.h"
#include "config/CameraOverrides.h"
#include "config/ConfigLoader.h"
#include "config/StatePaths.h"
#include "http/HttpServer.h"
#include "net/DnsSdAnnouncer.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>
#include <QNetworkInterface>
#include <QTextStream>

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
    QTextStream(stderr) << "hlscam: WARNING: serving plain HTTP with Basic authentication on the public address(es) "
                        << exposed.join(QStringLiteral(", "))
                        << ": passwords can be read on the way. Set tls_cert and tls_key in [server], "
                           "or listen on a private address behind an HTTPS proxy.\n";
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

// The config file with the command line's overrides; errors are printed, naming file and line.
std::optional<Settings> serveSettings(const QCommandLineParser &parser)
{
    std::optional<Settings> settings = loadSettings(parser);
    if (!settings)
        return std::nullopt;
    // Changes made through the API, over the file; the command line over both.
    settings->paths.cameraOverrides = cameraOverridesPath(*settings);
    QStringList notes;
    if (QString err = applyCameraOverrides(settings->paths.cameraOverrides, *settings, &notes); !err.isEmpty()) {
        QTextStream(stderr) << "hlscam: " << err << "\n";
        return std::nullopt;
    }
    for (const QString &note : std::as_const(notes))
        QTextStream(stderr) << "hlscam: " << note << "\n";
    if (parser.isSet(QStringLiteral("listen"))) {
        if (QString err = applyListen(parser.value(QStringLiteral("listen")), settings->server); !err.isEmpty()) {
            QTextStream(stderr) << "hlscam: --listen: " << err << "\n";
            return std::nullopt;
        }
    }
    if (parser.isSet(QStringLiteral("source"))) {
        if (QString err = applySource(parser.value(QStringLiteral("source")), *settings); !err.isEmpty()) {
            QTextStream(stderr) << "hlscam: --source: " << err << "\n";
            return std::nullopt;
        }
    }
    return settings;
}

// SIGHUP: re-reads the config file and applies what can be applied live (see ReloadPlan); a
// config with a mistake changes nothing. `started`: the settings the service started with.
void reloadConfig(const QCommandLineParser &parser, const Settings &started, const QList<Pipeline *> &pipelines)
{
    QTextStream err(stderr);
    const std::optional<Settings> loaded = serveSettings(parser);
    if (!loaded) {
        err << "hlscam: reload: the configuration has a mistake; still running on the previous one\n";
        return;
    }
    // The cameras as they run now (a reload or the API may have changed them); the rest as started.
    Settings running = started;
    for (CameraSettings &c : running.cameras)
        for (const Pipeline *p : pipelines)
            if (p->name() == c.name)
                c = p->settings();
    const ReloadPlan plan = planReload(running, *loaded);
    for (const CameraSettings &camera : plan.camerasToRestart) {
        for (Pipeline *p : pipelines) {
            if (p->name() != camera.name)
                continue;
            err << "hlscam: reload: " << camera.name << ": new settings, restarting its pipeline\n";
            err.flush();
            p->reconfigure(camera);
        }
    }
    if (!plan.needRestart.isEmpty())
        err << "hlscam: reload: changes to " << plan.needRestart.join(QStringLiteral(", "))
            << " take effect at the next restart\n";
}

}  // namespace

int serve(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the camera streaming service."));
    addCommonOptions(parser);
    parser.addOption({QStringLiteral("listen"),
                      QStringLiteral("Address and port to listen on (default 0.0.0.0:8080)."),
                      QStringLiteral("ADDR:PORT")});
    parser.addOption({QStringLiteral("source"),
                      QStringLiteral("The first camera's source: auto, testpattern, /dev/videoN or a media file."),
                      QStringLiteral("SOURCE")});
    if (auto exit = parseOrExit(parser, args))
        return *exit;
    std::optional<Settings> loaded = serveSettings(parser);
    if (!loaded)
        return kExitUsage;
    raiseDescriptorLimit();
    StopSignals stopSignals;
    Service service(*loaded);
    bool usageError = false;
    if (const QString error = service.start(&usageError); !error.isEmpty()) {
        QTextStream(stderr) << "hlscam: " << error << "\n";
        return usageError ? kExitUsage : kExitFailure;
    }
    if (const std::optional<QString> &password = service.firstRunPassword()) {
        // Shown once, on the first start: it is not stored anywhere in clear.
        QTextStream(stderr) << "\n"
                            << "hlscam: first start: created user 'admin' (role admin) with password\n"
                            << "\n    " << *password << "\n\n"
                            << "hlscam: it is shown only this once; change it with `hlscam users passwd admin`\n\n";
    }
    const Settings &settings = service.settings();
    const QList<Pipeline *> &pipelines = service.pipelines();
    if (service.scheme() == QLatin1String("http"))
        warnIfExposed(service.address());
    if (settings.auth.anonymousViewers)
        QTextStream(stderr) << "hlscam: anonymous = viewer: anyone who can reach this service can watch "
                               "without a password ([auth] in the config file)\n";
    // Found on the LAN by the desktop app and DNS-SD browsers; goodbye when it goes out of scope.
    std::optional<DnsSdAnnouncer> announcer;
    QString announceError;
    if (settings.server.announce
        && !announcer.emplace(settings.server.announceName, service.port(), service.scheme() == QLatin1String("https"), service.address())
                .start(&announceError))
        QTextStream(stderr) << "hlscam: not announced on the LAN: " << announceError << "\n";
    HttpServer *server = service.http();
    SystemdNotifier systemd(pipelines, [server](const QString &camera) { return server->viewers(camera); });

    QTextStream err(stderr);
    err << "hlscam: listening on " << service.scheme() << "://" << urlHost(service.address()) << ":" << service.port() << "/\n";
    err << "hlscam: open " << openUrls(service.scheme(), service.address(), service.port()).join(QStringLiteral(" or ")) << "\n";
    // The desktop app shows this when it first connects (trust on first use): compare them.
    if (!service.certificateFingerprint().isEmpty())
        err << "hlscam: certificate SHA-256 fingerprint " << service.certificateFingerprint() << "\n";
    err.flush();

    QObject::connect(&stopSignals, &StopSignals::stopRequested, qApp, &QCoreApplication::quit);
    // Users and bans are also re-read whenever their files change; SIGHUP makes it explicit, and
    // re-reads the config file.
    QObject::connect(&stopSignals, &StopSignals::reloadRequested, qApp, [&] {
        systemd.send("RELOADING=1");
        if (const QString e = service.reloadUsersAndBans(); !e.isEmpty())
            QTextStream(stderr) << "hlscam: " << e << "\n";
        QTextStream(stderr) << "hlscam: reloaded users and bans (SIGHUP)\n";
        reloadConfig(parser, settings, pipelines);
        systemd.send("READY=1");
    });
    const int status = QCoreApplication::exec();
    systemd.send("STOPPING=1");
    service.stop();
    return status;
}

}  // namespace hlscam::app
