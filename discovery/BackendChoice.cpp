#include "BackendChoice.h"

#include "avahi/AvahiDbus.h"

namespace hlscam {

namespace {

BackendChoice choose(DiscoveryBackend requested)
{
    if (requested == DiscoveryBackend::Avahi)
        return {DiscoveryBackend::Avahi, QStringLiteral("announce_backend = avahi")};
    if (requested == DiscoveryBackend::Builtin)
        return {DiscoveryBackend::Builtin, QStringLiteral("announce_backend = builtin")};
    if (avahi::isRunning(avahi::systemBus()))
        return {DiscoveryBackend::Avahi, QStringLiteral("avahi-daemon runs on this host")};
    return {DiscoveryBackend::Builtin, QStringLiteral("no avahi-daemon on the system bus")};
}

}  // namespace

BackendChoice chooseForAnnouncing(DiscoveryBackend requested, const QHostAddress &bound)
{
    if (requested == DiscoveryBackend::Auto && bound.isLoopback())
        return {DiscoveryBackend::Builtin, QStringLiteral("the service listens on the loopback, where avahi-daemon "
                                                          "announces nothing")};
    return choose(requested);
}

BackendChoice chooseForBrowsing(DiscoveryBackend requested) { return choose(requested); }

}  // namespace hlscam
