#include "LanBrowser.h"

#include "BackendChoice.h"
#include "Logging.h"
#include "avahi/AvahiBrowser.h"
#include "mdns/DnsSdBrowser.h"

namespace hlscam {

LanBrowser::LanBrowser(DiscoveryBackend requested, QObject *parent)
    : QObject(parent),
      m_requested(requested)
{
    qRegisterMetaType<DnsSdService>();
}

LanBrowser::~LanBrowser()
{
    // The backends are members: disconnected first, so none signals into a half-destroyed front.
    if (m_avahi)
        m_avahi->disconnect(this);
    if (m_builtin)
        m_builtin->disconnect(this);
}

Error LanBrowser::start()
{
    if (m_builtin || m_avahi)
        return {};
    const BackendChoice choice = chooseForBrowsing(m_requested);
    m_backend = choice.backend;
    if (m_backend == DiscoveryBackend::Avahi) {
        qCInfo(lcMdns).noquote() << "browsing through avahi-daemon (D-Bus):" << choice.reason;
        m_avahi = std::make_unique<AvahiBrowser>();
        connect(m_avahi.get(), &AvahiBrowser::serviceFound, this, &LanBrowser::serviceFound);
        connect(m_avahi.get(), &AvahiBrowser::serviceRemoved, this, &LanBrowser::serviceRemoved);
        return m_avahi->start();
    }
    qCInfo(lcMdns).noquote() << "browsing with the built-in querier:" << choice.reason;
    m_builtin = std::make_unique<DnsSdBrowser>();
    connect(m_builtin.get(), &DnsSdBrowser::serviceFound, this, &LanBrowser::serviceFound);
    connect(m_builtin.get(), &DnsSdBrowser::serviceRemoved, this, &LanBrowser::serviceRemoved);
    return m_builtin->start();
}

void LanBrowser::stop()
{
    if (m_avahi)
        m_avahi->stop();
    if (m_builtin)
        m_builtin->stop();
}

void LanBrowser::refresh()
{
    if (m_avahi)
        m_avahi->refresh();
    if (m_builtin)
        m_builtin->refresh();
}

QList<DnsSdService> LanBrowser::services() const
{
    if (m_avahi)
        return m_avahi->services();
    return m_builtin ? m_builtin->services() : QList<DnsSdService>();
}

}  // namespace hlscam
