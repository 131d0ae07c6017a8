#include "avahi/AvahiBrowser.h"

#include "Announcement.h"
#include "Logging.h"
#include "avahi/AvahiDbus.h"

#include <QDBusMessage>
#include <QNetworkInterface>
#include <QTimer>

namespace hlscam {

namespace {

constexpr int kRefreshBrowserMs = 5000;  // how long the extra browser of refresh() lives
constexpr int kMaxEarly = 64;

const QString kType = QString::fromLatin1(kHlscamServiceType);

}  // namespace

AvahiBrowser::AvahiBrowser(QObject *parent)
    : QObject(parent),
      m_bus(avahi::systemBus()),
      m_daemon(
          this, [this] { daemonAppeared(); }, [this] { daemonLeft(); })
{
    qRegisterMetaType<DnsSdService>();
}

AvahiBrowser::~AvahiBrowser()
{
    // No signal from a dying object: stop() would announce every service as removed.
    blockSignals(true);
    stop();
}

QString AvahiBrowser::itemKey(const QList<QVariant> &args)
{
    return QStringLiteral("%1|%2|%3|%4")
        .arg(args.value(0).toInt())
        .arg(args.value(1).toInt())
        .arg(args.value(2).toString(), args.value(4).toString().toLower());
}

Error AvahiBrowser::start()
{
    if (m_daemon.started())
        return {};
    // Every browser's and resolver's signals, subscribed before any exists: Avahi may report an
    // item before the call that made the object has returned its path.
    const struct {
        const QString &interface;
        const char *signal;
        const char *slot;
    } subscriptions[] = {
        {avahi::kServiceBrowser, "ItemNew", SLOT(onItemNew(QDBusMessage))},
        {avahi::kServiceBrowser, "ItemRemove", SLOT(onItemRemove(QDBusMessage))},
        {avahi::kServiceBrowser, "Failure", SLOT(onBrowserFailure(QDBusMessage))},
        {avahi::kServiceResolver, "Found", SLOT(onResolved(QDBusMessage))},
        {avahi::kServiceResolver, "Failure", SLOT(onResolverFailure(QDBusMessage))},
    };
    for (const auto &s : subscriptions)
        m_bus.connect(avahi::kService, QString(), s.interface, QLatin1String(s.signal), this, s.slot);
    return m_daemon.start(m_bus, "avahi-daemon is not on the system bus (yet): browsing once it is");
}

void AvahiBrowser::stop()
{
    if (!m_daemon.started())
        return;
    m_bus.disconnect(avahi::kService, QString(), avahi::kServiceBrowser, QStringLiteral("ItemNew"), this,
                     SLOT(onItemNew(QDBusMessage)));
    m_bus.disconnect(avahi::kService, QString(), avahi::kServiceBrowser, QStringLiteral("ItemRemove"), this,
                     SLOT(onItemRemove(QDBusMessage)));
    m_bus.disconnect(avahi::kService, QString(), avahi::kServiceBrowser, QStringLiteral("Failure"), this,
                     SLOT(onBrowserFailure(QDBusMessage)));
    m_bus.disconnect(avahi::kService, QString(), avahi::kServiceResolver, QStringLiteral("Found"), this,
                     SLOT(onResolved(QDBusMessage)));
    m_bus.disconnect(avahi::kService, QString(), avahi::kServiceResolver, QStringLiteral("Failure"), this,
                     SLOT(onResolverFailure(QDBusMessage)));
    m_daemon.stop();
    for (const Item &item : std::as_const(m_items))
        freeObject(item.resolverPath, avahi::kServiceResolver);
    freeObject(m_browserPath, avahi::kServiceBrowser);
    removeAll();
}

void AvahiBrowser::refresh()
{
    if (!m_daemon.started() || m_browserPath.isEmpty())
        return;
    const QList<QVariant> args{avahi::kAnyInterface, avahi::kAnyProtocol, kType, QString(), quint32(0)};
    avahi::callAsync(m_bus, avahi::serverCall(QStringLiteral("ServiceBrowserNew"), args), this,
                     [this](const QDBusMessage &reply) {
                         const Result<QString> path = avahi::objectPath(reply, QStringLiteral("a service browser"));
                         if (!path.ok())
                             return;
                         // Its items are not ours (only m_browserPath's are): it exists to make Avahi ask.
                         QTimer::singleShot(kRefreshBrowserMs, this,
                                            [this, p = path.value()] { freeObject(p, avahi::kServiceBrowser); });
                     });
}

void AvahiBrowser::daemonAppeared()
{
    qCInfo(lcMdns) << "browsing for" << kType << "through avahi-daemon";
    createBrowser();
}

void AvahiBrowser::daemonLeft()
{
    qCInfo(lcMdns) << "avahi-daemon left the system bus: the services it found are gone";
    removeAll();
}

void AvahiBrowser::createBrowser()
{
    m_creatingBrowser = true;
    m_early.clear();
    const int generation = ++m_generation;
    const QList<QVariant> args{avahi::kAnyInterface, avahi::kAnyProtocol, kType, QString(), quint32(0)};
    avahi::callAsync(m_bus, avahi::serverCall(QStringLiteral("ServiceBrowserNew"), args), this,
                     [this, generation](const QDBusMessage &reply) {
                         const Result<QString> path = avahi::objectPath(reply, QStringLiteral("a service browser"));
                         if (generation != m_generation) {
                             if (path.ok())
                                 freeObject(path.value(), avahi::kServiceBrowser);
                             return;
                         }
                         m_creatingBrowser = false;
                         if (!path.ok()) {
                             qCWarning(lcMdns).noquote() << "not browsing:" << path.error().message;
                             return;
                         }
                         m_browserPath = path.value();
                         const QList<QDBusMessage> early = std::exchange(m_early, {});
                         for (const QDBusMessage &m : early)
                             if (m.path() == m_browserPath)
                                 handleItem(m, m.member() == QLatin1String("ItemNew"));
                     });
}

void AvahiBrowser::onItemNew(const QDBusMessage &message) { handleItem(message, true); }

void AvahiBrowser::onItemRemove(const QDBusMessage &message) { handleItem(message, false); }

void AvahiBrowser::handleItem(const QDBusMessage &message, bool isNew)
{
    if (message.path() != m_browserPath) {
        if (m_creatingBrowser && m_early.size() < kMaxEarly)
            m_early.append(message);
        return;
    }
    // ItemNew and ItemRemove: interface, protocol, name, type, domain, flags.
    if (message.signature() != QLatin1String("iisssu"))
        return;
    const QList<QVariant> args = message.arguments();
    const QString key = itemKey(args);
    if (!isNew) {
        const auto it = m_items.find(key);
        if (it == m_items.end())
            return;
        freeObject(it->resolverPath, avahi::kServiceResolver);
        m_items.erase(it);
        reconcile();
        return;
    }
    if (m_items.contains(key) || m_items.size() >= kMaxItems)
        return;
    Item item;
    item.interface = args.at(0).toInt();
    item.protocol = args.at(1).toInt();
    item.name = args.at(2).toString();
    item.domain = args.at(4).toString();
    item.generation = m_generation;
    m_items.insert(key, item);
    // Any address family: Avahi reports the instance once per protocol it was seen on, and the
    // resolver of each gives the address it has.
    const QList<QVariant> resolve{item.interface, item.protocol,       item.name, kType,
                                  item.domain,    avahi::kAnyProtocol, quint32(0)};
    avahi::callAsync(m_bus, avahi::serverCall(QStringLiteral("ServiceResolverNew"), resolve), this,
                     [this, key, generation = m_generation](const QDBusMessage &reply) {
                         const Result<QString> path = avahi::objectPath(reply, QStringLiteral("a service resolver"));
                         if (!path.ok())
                             return;
                         const auto it = m_items.find(key);
                         if (it == m_items.end() || it->generation != generation)
                             freeObject(path.value(), avahi::kServiceResolver);  // gone meanwhile
                         else
                             it->resolverPath = path.value();
                     });
}

void AvahiBrowser::onResolved(const QDBusMessage &message)
{
    // Found: interface, protocol, name, type, domain, host, aprotocol, address, port, txt, flags.
    if (message.signature() != QLatin1String("iissssisqaayu"))
        return;
    const QList<QVariant> args = message.arguments();
    const auto it = m_items.find(itemKey(args));
    if (it == m_items.end() || args.at(3).toString() != kType)
        return;
    it->resolved = true;
    it->host = args.at(5).toString();
    it->address = QHostAddress(args.at(7).toString());
    if (it->address.protocol() == QAbstractSocket::IPv6Protocol && it->address.isLinkLocal())
        it->address.setScopeId(QNetworkInterface::interfaceNameFromIndex(it->interface));
    it->port = quint16(args.at(8).toUInt());
    it->txt = avahi::txtFromArgument(args.at(9));
    reconcile();
}

void AvahiBrowser::onBrowserFailure(const QDBusMessage &message)
{
    if (message.path() == m_browserPath)
        qCWarning(lcMdns).noquote() << "avahi-daemon stopped browsing:" << message.arguments().value(0).toString();
}

void AvahiBrowser::onResolverFailure(const QDBusMessage &message)
{
    for (const Item &item : std::as_const(m_items))
        if (item.resolverPath == message.path())
            qCDebug(lcMdns).noquote() << "avahi-daemon could not resolve" << item.name << ":"
                                      << message.arguments().value(0).toString();
}

void AvahiBrowser::freeObject(const QString &path, const QString &interface)
{
    if (!path.isEmpty() && m_bus.isConnected())
        m_bus.send(avahi::objectCall(path, interface, QStringLiteral("Free")));
}

void AvahiBrowser::removeAll()
{
    ++m_generation;  // replies still on their way belong to what is gone
    m_browserPath.clear();
    m_creatingBrowser = false;
    m_early.clear();
    m_items.clear();
    reconcile();
}

void AvahiBrowser::reconcile()
{
    QHash<QString, DnsSdService> found;
    QHash<QString, QList<QHostAddress>> v6;
    for (const Item &item : std::as_const(m_items)) {
        if (!item.resolved || (!found.contains(item.name) && found.size() >= kMaxServices))
            continue;
        DnsSdService &s = found[item.name];
        s.instanceName = item.name;
        s.hostName = item.host;
        s.port = item.port;
        s.readTxt(item.txt);
        QList<QHostAddress> &list =
            item.address.protocol() == QAbstractSocket::IPv4Protocol ? s.addresses : v6[item.name];
        if (!item.address.isNull() && !list.contains(item.address))
            list.append(item.address);
    }
    for (auto it = found.begin(); it != found.end(); ++it) {
        it->addresses += v6.value(it.key());
        std::sort(it->addresses.begin(), it->addresses.end(), [](const QHostAddress &a, const QHostAddress &b) {
            if (a.protocol() != b.protocol())
                return a.protocol() == QAbstractSocket::IPv4Protocol;
            return a.toString() < b.toString();  // a stable order: no change reported for none
        });
    }
    const QHash<QString, DnsSdService> before = std::exchange(m_services, found);
    reportChanges(this, before, found, &AvahiBrowser::serviceRemoved, &AvahiBrowser::serviceFound);
}

}  // namespace hlscam
