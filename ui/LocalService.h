// A hlscam::Service run by the desktop app on a thread of its own. Not on the GUI thread: Qt
// 6.4's FFmpeg media backend opens the preview's URL synchronously there, and a service on that
// same thread could never answer it.
#pragma once

#include "ServiceSettings.h"
#include "config/Settings.h"

#include <QObject>
#include <QThread>
#include <memory>

namespace hlscam {
class Service;
}

namespace hlscam::ui {

class LocalService {
public:
    LocalService(Settings settings, SettingsSources sources);
    ~LocalService();  // stops the service on its thread, then the thread
    LocalService(const LocalService &) = delete;
    LocalService &operator=(const LocalService &) = delete;

    // Starts the service (see Service::start), or says why it could not.
    Error start();
    quint16 port() const { return m_port; }

private:
    Settings m_settings;
    SettingsSources m_sources;
    QThread m_thread;
    QObject m_context;  // lives on m_thread: where the service's objects are made and run
    std::unique_ptr<Service> m_service;
    quint16 m_port = 0;
};

}  // namespace hlscam::ui
