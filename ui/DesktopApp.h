// The desktop app's set-up, shared by `hlscam desktop` and the UI tests: the QML types, the
// style, the preview's media backend, and the main window.
#pragma once

#include <QUrl>

class QQmlApplicationEngine;

namespace hlscam::ui {

// Before the application object: Qt Multimedia's FFmpeg backend plays fMP4 HLS, its default
// GStreamer one (with Qt 6.4's playbin) does not. A user's own QT_MEDIA_BACKEND wins.
void prepareEnvironment();
// Registers the app's C++ types under the QML module "Hlscam".
void registerQmlTypes();
// After the application object: names (for its settings), style, QML types.
void setUp();
QUrl mainWindowUrl();
// The whole app: returns the exit status.
int runDesktop(int argc, char *argv[]);

}  // namespace hlscam::ui
