#include "avahi/AvahiDbus.h"

#include "Logging.h"

#include <QDBusArgument>
#include <QDBusConnectionInterface>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QNetworkInterface>

namespace hlscam::avahi {

QDBusConnection systemBus()
{
    return QDBusConnection::connectToBus(QDBusConnection::SystemBus, QStringLiteral("hlscam-avahi"));
}

bool isRunning(const QDBusConnection &bus)
{
    return bus.isConnected() && bus.interface() && bus.interface()->isServiceRegistered(kService).value();
}

QDBusMessage serverCall(const QString &method, const QList<QVariant> &args)
{
    return objectCall(kServerPath, kServer, method, args);
}

QDBusMessage objectCall(const QString &path, const QString &interface, const QString &method,
                        const QList<QVariant> &args)
{
    QDBusMessage call = QDBusMessage::createMethodCall(kService, path, interface, method);
    call.setArguments(args);
    return call;
}

void callAsync(const QDBusConnection &bus, const QDBusMessage &call, QObject *context,
               std::function<void(const QDBusMessage &reply)> done)
{
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        done(watcher->reply());
    });
}

DaemonWatch::DaemonWatch(QObject *context, std::function<void()> appeared, std::function<void()> left)
    : m_appeared(std::move(appeared))
{
    m_watcher.setWatchMode(QDBusServiceWatcher::WatchForOwnerChange);
    QObject::connect(&m_watcher, &QDBusServiceWatcher::serviceOwnerChanged, context,
                     [this, left = std::move(left)](const QString &, const QString &oldOwner, const QString &newOwner) {
                         if (!oldOwner.isEmpty())
                             left();
                         if (!newOwner.isEmpty())
                             m_appeared();
                     });
}

Error DaemonWatch::start(const QDBusConnection &bus, const char *whileAbsent)
{
    if (!bus.isConnected())
        return Error(Fault::Other, QStringLiteral("cannot reach the system D-Bus, where avahi-daemon would be: %1")
                                       .arg(bus.lastError().message()));
    m_watcher.setConnection(bus);
    m_watcher.addWatchedService(kService);
    m_started = true;
    if (isRunning(bus))
        m_appeared();
    else
        qCInfo(lcMdns) << whileAbsent;
    return {};
}

void DaemonWatch::stop()
{
    m_watcher.removeWatchedService(kService);
    m_started = false;
}

Result<QString> objectPath(const QDBusMessage &reply, const QString &what)
{
    if (reply.type() == QDBusMessage::ErrorMessage)
        return Error(Fault::Other, QStringLiteral("avahi-daemon refused %1: %2").arg(what, reply.errorMessage()));
    if (reply.signature() != QLatin1String("o"))
        return Error(
            Fault::Other,
            QStringLiteral("avahi-daemon answered %1 with '%2', not an object path").arg(what, reply.signature()));
    return reply.arguments().constFirst().value<QDBusObjectPath>().path();
}

QVariant txtArgument(const QList<QByteArray> &txt)
{
    QDBusArgument array;
    array.beginArray(QMetaType::fromType<QByteArray>());
    for (const QByteArray &s : txt)
        array << s;
    array.endArray();
    return QVariant::fromValue(array);
}

QList<QByteArray> txtFromArgument(const QVariant &value)
{
    if (value.metaType() == QMetaType::fromType<QByteArrayList>())
        return value.value<QByteArrayList>();
    QList<QByteArray> txt;
    if (value.metaType() != QMetaType::fromType<QDBusArgument>())
        return txt;
    const QDBusArgument array = value.value<QDBusArgument>();
    if (array.currentSignature() != QLatin1String("aay"))
        return txt;
    array.beginArray();
    while (!array.atEnd()) {
        QByteArray s;
        array >> s;
        txt.append(s);
    }
    array.endArray();
    return txt;
}

Result<Scope> scopeOf(const QHostAddress &bound, bool wildcard)
{
    if (wildcard) {
        if (bound == QHostAddress::AnyIPv4)
            return Scope{kAnyInterface, kIPv4};
        if (bound == QHostAddress::AnyIPv6)
            return Scope{kAnyInterface, kIPv6};
        return Scope{};
    }
    if (bound.isLoopback())
        return Error(Fault::Other, QStringLiteral("avahi-daemon does not announce on the loopback, where the service "
                                                  "listens (%1): set announce_backend = builtin or auto")
                                       .arg(bound.toString()));
    const qint32 protocol = bound.protocol() == QAbstractSocket::IPv6Protocol ? kIPv6 : kIPv4;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces())
        for (const QNetworkAddressEntry &e : i.addressEntries())
            if (e.ip().isEqual(bound, QHostAddress::StrictConversion))
                return Scope{i.index(), protocol};
    return Error(Fault::Other, QStringLiteral("no network interface of this machine has the address %1, where the "
                                              "service listens")
                                   .arg(bound.toString()));
}

}  // namespace hlscam::avahi
