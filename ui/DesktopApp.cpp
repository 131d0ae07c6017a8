#include "DesktopApp.h"

#include "ApiModel.h"
#include "CamerasModel.h"
#include "ControlsModel.h"
#include "DiscoveredBoards.h"
#include "PreviewPlayer.h"
#include "Session.h"
#include "UsersModel.h"

#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>

#include <cstdio>

extern "C" {
#include <libavutil/log.h>
}

namespace hlscam::ui {

void prepareEnvironment()
{
    if (!qEnvironmentVariableIsSet("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "ffmpeg");
    // FFmpeg's own chatter (each playlist line it skips, each URL it opens) only when asked for.
    if (!qEnvironmentVariableIsSet("QT_FFMPEG_DEBUG"))
        av_log_set_level(AV_LOG_ERROR);
}

void registerQmlTypes()
{
    const char *uri = "Hlscam";
    qmlRegisterType<Session>(uri, 1, 0, "Session");
    qmlRegisterType<UsersModel>(uri, 1, 0, "UsersModel");
    qmlRegisterType<BansModel>(uri, 1, 0, "BansModel");
    qmlRegisterType<CamerasModel>(uri, 1, 0, "CamerasModel");
    qmlRegisterType<ControlsModel>(uri, 1, 0, "ControlsModel");
    qmlRegisterType<DiscoveredBoards>(uri, 1, 0, "DiscoveredBoards");
    qmlRegisterType<PreviewPlayer>(uri, 1, 0, "PreviewPlayer");
    qmlRegisterUncreatableType<JsonListModel>(uri, 1, 0, "JsonListModel",
                                              QStringLiteral("comes from Session or a model"));
    qmlRegisterSingletonType(QUrl(QStringLiteral("qrc:/qml/Format.qml")), uri, 1, 0, "Format");
}

void setUp()
{
    // The app's settings (recent boards) go to hlscam-desktop.conf, beside the per-user service
    // config hlscam.conf that local mode reads.
    QGuiApplication::setOrganizationName(QStringLiteral("hlscam"));
    QGuiApplication::setApplicationName(QStringLiteral("hlscam-desktop"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("hlscam"));
    QGuiApplication::setApplicationVersion(QStringLiteral(HLSCAM_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("hlscam"));
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(QStringLiteral("Fusion"));
    registerQmlTypes();
}

QUrl mainWindowUrl() { return QUrl(QStringLiteral("qrc:/qml/Main.qml")); }

int runDesktop(int argc, char *argv[])
{
    prepareEnvironment();
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        // Qt would abort with a page about platform plugins; say what is missing instead.
        std::fputs(
            "hlscam-desktop: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset): "
            "start it in a desktop session, or over `ssh -X`. The service itself is `hlscam serve`.\n",
            stderr);
        return 2;
    }
    QGuiApplication app(argc, argv);
    setUp();
    QQmlApplicationEngine engine;
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    engine.load(mainWindowUrl());
    if (engine.rootObjects().isEmpty())
        return 1;
    return QGuiApplication::exec();
}

}  // namespace hlscam::ui
