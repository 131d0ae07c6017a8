// Which backend speaks mDNS/DNS-SD for this process: what the setting asks for (auto, avahi,
// builtin) against what the host has (avahi-daemon on the system bus or not), with the reason,
// for the log line that says which one runs.
#pragma once

#include "config/Settings.h"

#include <QHostAddress>
#include <QString>

namespace hlscam {

struct BackendChoice {
    DiscoveryBackend backend = DiscoveryBackend::Builtin;  // Avahi or Builtin, never Auto
    QString reason;                                        // "avahi-daemon runs on this host", ...
};

// For announcing a service that listens on `bound`. Auto: Avahi when it is on the system bus,
// unless the service listens on the loopback only (Avahi announces on no loopback interface,
// the built-in responder does).
BackendChoice chooseForAnnouncing(DiscoveryBackend requested, const QHostAddress &bound);
// For browsing. Auto: Avahi when it is on the system bus.
BackendChoice chooseForBrowsing(DiscoveryBackend requested);

}  // namespace hlscam
