// `hlscam serve`: starts one pipeline per camera and the HTTP server, until SIGINT or SIGTERM.
#include "Commands.h"
#include "SettingsOptions.h"
#include "StopSignals.h"

#include "auth/Authenticator.h"
#include "auth/UsersFile.h"
#include "config/ConfigLoader.h"
#include "http/HttpServer.h"
#include "pipeline/Pipeline.h"

#include <QCoreApplication>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTextStream>

namespace hlscam::app {

namespace {

QString urlHost(const QHostAddress &a)
{
    return a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(a.toString())
                                                         : a.toString();
}

// Where a person can open the page: the bound address, or for a wildcard, this machine's own.
QStringList openUrls(const QHostAddress &bound, quint16 port)
{
    QStringList urls;
    if (bound != QHostAddress::Any && bound != QHostAddress::AnyIPv4 && bound != QHostAddress::AnyIPv6)
        return {QStringLiteral("http://%1:%2/").arg(urlHost(bound)).arg(port)};
    urls << QStringLiteral("http://localhost:%1/").arg(port);
    for (const QHostAddress &a : QNetworkInterface::allAddresses())
        if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLinkLocal())
            urls << QStringLiteral("http://%1:%2/").arg(a.toString()).arg(port);
    return urls;
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
    std::optional<Settings> loaded = loadSettings(parser);
    if (!loaded)
        return kExitUsage;
    Settings settings = *loaded;
    if (parser.isSet(QStringLiteral("listen"))) {
        if (QString err = applyListen(parser.value(QStringLiteral("listen")), settings.server); !err.isEmpty()) {
            QTextStream(stderr) << "hlscam: --listen: " << err << "\n";
            return kExitUsage;
        }
    }
    if (parser.isSet(QStringLiteral("source"))) {
        if (QString err = applySource(parser.value(QStringLiteral("source")), settings); !err.isEmpty()) {
            QTextStream(stderr) << "hlscam: --source: " << err << "\n";
            return kExitUsage;
        }
    }

    if (!prepareStateDir(settings))
        return kExitFailure;
    const QString usersPath = usersFilePath(settings);
    QString error;
    if (std::optional<QString> password = ensureAdmin(usersPath, &error)) {
        // Shown once, on the first start: it is not stored anywhere in clear.
        QTextStream(stderr) << "\n"
                            << "hlscam: first start: created user 'admin' (role admin) with password\n"
                            << "\n    " << *password << "\n\n"
                            << "hlscam: it is shown only this once; change it with `hlscam users passwd admin`\n\n";
    } else if (!error.isEmpty()) {
        QTextStream(stderr) << "hlscam: " << error << "\n";
        return kExitFailure;
    }

    StopSignals stopSignals;
    Authenticator authenticator(usersPath);
    std::vector<std::unique_ptr<Pipeline>> owned;
    QList<Pipeline *> pipelines;
    for (const CameraSettings &camera : std::as_const(settings.cameras)) {
        owned.push_back(std::make_unique<Pipeline>(camera, settings.hls));
        pipelines.append(owned.back().get());
    }

    HttpServer server(pipelines, &authenticator, settings.hls);
    auto *tcp = new QTcpServer(&server);
    if (!tcp->listen(settings.server.address, settings.server.port)) {
        QTextStream(stderr) << "hlscam: cannot listen on " << urlHost(settings.server.address) << ":"
                            << settings.server.port << ": " << tcp->errorString() << "\n";
        return kExitFailure;
    }
    server.bind(tcp);
    for (Pipeline *p : std::as_const(pipelines))
        p->start();

    QTextStream err(stderr);
    err << "hlscam: listening on http://" << urlHost(tcp->serverAddress()) << ":" << tcp->serverPort() << "/\n";
    err << "hlscam: open " << openUrls(tcp->serverAddress(), tcp->serverPort()).join(QStringLiteral(" or ")) << "\n";
    err.flush();

    QObject::connect(&stopSignals, &StopSignals::stopRequested, qApp, &QCoreApplication::quit);
    const int status = QCoreApplication::exec();
    for (Pipeline *p : std::as_const(pipelines))
        p->stop();
    return status;
}

}  // namespace hlscam::app
