// Says on the LAN where this service is (mDNS/DNS-SD), through avahi-daemon where it runs
// (AvahiAnnouncer) and with the built-in responder otherwise (DnsSdAnnouncer), as
// `[server] announce_backend` asks; the log says which and why. Says goodbye when destroyed.
#pragma once

#include "Announcement.h"
#include "Error.h"
#include "config/Settings.h"

#include <QObject>

#include <memory>

namespace hlscam {

class AvahiAnnouncer;
class DnsSdAnnouncer;

class LanAnnouncer : public QObject {
    Q_OBJECT
public:
    LanAnnouncer(const Announcement &announcement, DiscoveryBackend requested, QObject *parent = nullptr);
    ~LanAnnouncer() override;

    // Chooses the backend and starts it.
    Error start();
    [[nodiscard]] DiscoveryBackend backend() const { return m_backend; }  // Avahi or Builtin once started
    [[nodiscard]] QString instanceName() const;
    [[nodiscard]] bool isAnnounced() const;

private:
    Announcement m_announcement;
    DiscoveryBackend m_requested;
    DiscoveryBackend m_backend = DiscoveryBackend::Auto;
    std::unique_ptr<DnsSdAnnouncer> m_builtin;
    std::unique_ptr<AvahiAnnouncer> m_avahi;
};

}  // namespace hlscam
