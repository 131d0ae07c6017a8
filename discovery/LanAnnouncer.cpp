#include "LanAnnouncer.h"

#include "BackendChoice.h"
#include "Logging.h"
#include "avahi/AvahiAnnouncer.h"
#include "mdns/DnsSdAnnouncer.h"

namespace hlscam {

LanAnnouncer::LanAnnouncer(const Announcement &announcement, DiscoveryBackend requested, QObject *parent)
    : QObject(parent),
      m_announcement(announcement),
      m_requested(requested)
{}

LanAnnouncer::~LanAnnouncer() = default;

Error LanAnnouncer::start()
{
    if (m_builtin || m_avahi)
        return {};
    const BackendChoice choice = chooseForAnnouncing(m_requested, m_announcement.bound);
    m_backend = choice.backend;
    if (m_backend == DiscoveryBackend::Avahi) {
        qCInfo(lcMdns).noquote() << "announcing through avahi-daemon (D-Bus):" << choice.reason;
        m_avahi = std::make_unique<AvahiAnnouncer>(m_announcement);
        return m_avahi->start();
    }
    qCInfo(lcMdns).noquote() << "announcing with the built-in responder on UDP 5353:" << choice.reason;
    m_builtin = std::make_unique<DnsSdAnnouncer>(m_announcement);
    return m_builtin->start();
}

QString LanAnnouncer::instanceName() const
{
    if (m_avahi)
        return m_avahi->instanceName();
    return m_builtin ? m_builtin->instanceName() : QString();
}

bool LanAnnouncer::isAnnounced() const
{
    return (m_avahi && m_avahi->isAnnounced()) || (m_builtin && m_builtin->isAnnounced());
}

}  // namespace hlscam
