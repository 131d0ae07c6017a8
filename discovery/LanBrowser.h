// Finds hlscam services on the LAN (_hlscam._tcp), through avahi-daemon where it runs
// (AvahiBrowser) and with the built-in querier otherwise (DnsSdBrowser); the log says which.
// What the desktop app lists as "On this network".
#pragma once

#include "DnsSdService.h"
#include "Error.h"
#include "config/Settings.h"

#include <QObject>

#include <memory>

namespace hlscam {

class AvahiBrowser;
class DnsSdBrowser;

class LanBrowser : public QObject {
    Q_OBJECT
public:
    explicit LanBrowser(DiscoveryBackend requested = DiscoveryBackend::Auto, QObject *parent = nullptr);
    ~LanBrowser() override;

    Error start();
    void stop();
    // Asks the LAN again now.
    void refresh();
    [[nodiscard]] QList<DnsSdService> services() const;
    [[nodiscard]] DiscoveryBackend backend() const { return m_backend; }  // Avahi or Builtin once started

Q_SIGNALS:
    // Found, or changed (the same instanceName replaces the earlier one).
    void serviceFound(const hlscam::DnsSdService &service);
    // It said goodbye, or its records expired.
    void serviceRemoved(const QString &instanceName);

private:
    DiscoveryBackend m_requested;
    DiscoveryBackend m_backend = DiscoveryBackend::Auto;
    std::unique_ptr<DnsSdBrowser> m_builtin;
    std::unique_ptr<AvahiBrowser> m_avahi;
};

}  // namespace hlscam
