#include "avahi/AvahiAnnouncer.h"

#include "Logging.h"
#include "avahi/AvahiDbus.h"
#include "mdns/DnsSdAnnouncer.h"

#include <QDBusMessage>

namespace hlscam {

namespace {

constexpr int kGoodbyeTimeoutMs = 1000;  // Free at stop; Avahi frees the group anyway when we go

}  // namespace

AvahiAnnouncer::AvahiAnnouncer(const Announcement &announcement, QObject *parent)
    : QObject(parent),
      m_announcement(announcement),
      m_bus(avahi::systemBus()),
      m_daemon(
          this, [this] { daemonAppeared(); }, [this] { daemonLeft(); }),
      m_name(announcement.name.isEmpty() ? DnsSdAnnouncer::defaultName() : announcement.name)
{}

AvahiAnnouncer::~AvahiAnnouncer() { stop(); }

Error AvahiAnnouncer::start()
{
    if (m_daemon.started())
        return {};
    const Result<avahi::Scope> scope = avahi::scopeOf(m_announcement.bound, m_announcement.boundToWildcard());
    if (!scope.ok())
        return scope.error();
    m_interface = scope.value().interface;
    m_protocol = scope.value().protocol;
    m_bus.connect(avahi::kService, avahi::kServerPath, avahi::kServer, QStringLiteral("StateChanged"), this,
                  SLOT(onServerStateChanged(int, QString)));
    // Every group's signal, before the group exists: none of its state changes is missed.
    m_bus.connect(avahi::kService, QString(), avahi::kEntryGroup, QStringLiteral("StateChanged"), this,
                  SLOT(onGroupStateChanged(QDBusMessage)));
    return m_daemon.start(m_bus, "avahi-daemon is not on the system bus (yet): announced once it is");
}

void AvahiAnnouncer::stop()
{
    if (!m_daemon.started())
        return;
    if (!m_groupPath.isEmpty()) {
        m_bus.call(avahi::objectCall(m_groupPath, avahi::kEntryGroup, QStringLiteral("Free")), QDBus::Block,
                   kGoodbyeTimeoutMs);
        if (m_announced)
            qCInfo(lcMdns) << "said goodbye as" << m_name << "through avahi-daemon";
    }
    forgetGroup();
    m_bus.disconnect(avahi::kService, avahi::kServerPath, avahi::kServer, QStringLiteral("StateChanged"), this,
                     SLOT(onServerStateChanged(int, QString)));
    m_bus.disconnect(avahi::kService, QString(), avahi::kEntryGroup, QStringLiteral("StateChanged"), this,
                     SLOT(onGroupStateChanged(QDBusMessage)));
    m_daemon.stop();
}

void AvahiAnnouncer::daemonAppeared()
{
    const int generation = ++m_generation;
    avahi::callAsync(
        m_bus, avahi::serverCall(QStringLiteral("GetState")), this, [this, generation](const QDBusMessage &reply) {
            if (generation != m_generation)
                return;
            if (reply.type() == QDBusMessage::ErrorMessage || reply.signature() != QLatin1String("i")) {
                qCWarning(lcMdns).noquote() << "avahi-daemon did not say its state:" << reply.errorMessage();
                return;
            }
            whenRunning(reply.arguments().constFirst().toInt());
        });
}

void AvahiAnnouncer::daemonLeft()
{
    if (!m_groupPath.isEmpty() || m_creating)
        qCWarning(lcMdns) << "avahi-daemon left the system bus: not announced until it is back";
    forgetGroup();
}

void AvahiAnnouncer::whenRunning(int state)
{
    if (state == int(avahi::ServerState::Running) && m_groupPath.isEmpty() && !m_creating)
        createGroup();
}

void AvahiAnnouncer::onServerStateChanged(int state, const QString &error)
{
    switch (avahi::ServerState(state)) {
    case avahi::ServerState::Running: whenRunning(state); break;
    case avahi::ServerState::Registering:
    case avahi::ServerState::Collision:
        // The host name changes (a conflict on the LAN): Avahi wants the groups withdrawn and made
        // again once it runs under the new name.
        if (!m_groupPath.isEmpty())
            m_bus.send(avahi::objectCall(m_groupPath, avahi::kEntryGroup, QStringLiteral("Free")));
        forgetGroup();
        break;
    case avahi::ServerState::Failure: qCWarning(lcMdns).noquote() << "avahi-daemon failed:" << error; break;
    case avahi::ServerState::Invalid: break;
    }
}

void AvahiAnnouncer::createGroup()
{
    m_creating = true;
    const int generation = ++m_generation;
    avahi::callAsync(
        m_bus, avahi::serverCall(QStringLiteral("EntryGroupNew")), this, [this, generation](const QDBusMessage &reply) {
            const Result<QString> path = avahi::objectPath(reply, QStringLiteral("a new entry group"));
            if (generation != m_generation) {  // Avahi went away or restarted meanwhile
                if (path.ok())
                    m_bus.send(avahi::objectCall(path.value(), avahi::kEntryGroup, QStringLiteral("Free")));
                return;
            }
            m_creating = false;
            if (!path.ok()) {
                qCWarning(lcMdns).noquote() << "not announced:" << path.error().message;
                return;
            }
            m_groupPath = path.value();
            addServices(generation);
        });
}

void AvahiAnnouncer::addServices(int generation) { addNext(generation, 0); }

// The two types one after the other, then Commit: a collision on the first is handled before the
// second is added under a name about to change.
void AvahiAnnouncer::addNext(int generation, int index)
{
    const QList<QByteArray> types = {kHlscamServiceType, webServiceType(m_announcement.tls)};
    if (index == types.size()) {
        avahi::callAsync(
            m_bus, avahi::objectCall(m_groupPath, avahi::kEntryGroup, QStringLiteral("Commit")), this,
            [this, generation](const QDBusMessage &reply) {
                if (generation == m_generation && reply.type() == QDBusMessage::ErrorMessage)
                    qCWarning(lcMdns).noquote()
                        << QStringLiteral("avahi-daemon refused to announce %1: %2").arg(m_name, reply.errorMessage());
            });
        return;
    }
    const QList<QVariant> args{m_interface,
                               m_protocol,
                               quint32(0),
                               m_name,
                               QString::fromLatin1(types.at(index)),
                               QString(),                                 // the default domain, .local
                               QString(),                                 // Avahi's own host name
                               QVariant::fromValue(m_announcement.port),  // q, not i
                               avahi::txtArgument(announcementTxt(m_announcement.tls))};
    avahi::callAsync(
        m_bus, avahi::objectCall(m_groupPath, avahi::kEntryGroup, QStringLiteral("AddService"), args), this,
        [this, generation, index](const QDBusMessage &reply) {
            if (generation != m_generation)
                return;
            if (reply.type() != QDBusMessage::ErrorMessage) {
                addNext(generation, index + 1);
                return;
            }
            if (reply.errorName() == avahi::kCollisionError)  // another program, same daemon
                renameAfterCollision(generation);
            else
                qCWarning(lcMdns).noquote()
                    << QStringLiteral("avahi-daemon refused the service %1: %2").arg(m_name, reply.errorMessage());
        });
}

void AvahiAnnouncer::onGroupStateChanged(const QDBusMessage &message)
{
    if (m_groupPath.isEmpty() || message.path() != m_groupPath || message.signature() != QLatin1String("is"))
        return;
    const QList<QVariant> args = message.arguments();
    switch (avahi::GroupState(args.at(0).toInt())) {
    case avahi::GroupState::Established:
        m_announced = true;
        qCInfo(lcMdns) << "announcing" << m_name << "on port" << m_announcement.port << "as"
                       << QStringLiteral("%1.local").arg(QLatin1String(kHlscamServiceType)) << "and"
                       << QStringLiteral("%1.local").arg(QLatin1String(webServiceType(m_announcement.tls)))
                       << "through avahi-daemon";
        break;
    case avahi::GroupState::Collision: renameAfterCollision(m_generation); break;
    case avahi::GroupState::Failure:
        m_announced = false;
        qCWarning(lcMdns).noquote()
            << QStringLiteral("avahi-daemon could not announce %1: %2").arg(m_name, args.at(1).toString());
        break;
    case avahi::GroupState::Uncommitted:
    case avahi::GroupState::Registering: break;
    }
}

// Avahi proposes the next name ("NAME #2", then "#3"...): the group is emptied and filled again
// under it.
void AvahiAnnouncer::renameAfterCollision(int generation)
{
    m_announced = false;
    avahi::callAsync(
        m_bus, avahi::serverCall(QStringLiteral("GetAlternativeServiceName"), {m_name}), this,
        [this, generation](const QDBusMessage &reply) {
            if (generation != m_generation)
                return;
            if (reply.type() == QDBusMessage::ErrorMessage || reply.signature() != QLatin1String("s")) {
                qCWarning(lcMdns).noquote() << "avahi-daemon proposed no other name:" << reply.errorMessage();
                return;
            }
            const QString old = std::exchange(m_name, reply.arguments().constFirst().toString());
            qCInfo(lcMdns) << "the name" << old << "is taken on the network; now" << m_name;
            const int next = ++m_generation;
            avahi::callAsync(m_bus, avahi::objectCall(m_groupPath, avahi::kEntryGroup, QStringLiteral("Reset")), this,
                             [this, next](const QDBusMessage &) {
                                 if (next == m_generation)
                                     addServices(next);
                             });
        });
}

void AvahiAnnouncer::forgetGroup()
{
    m_groupPath.clear();
    m_creating = false;
    m_announced = false;
    ++m_generation;
}

}  // namespace hlscam
