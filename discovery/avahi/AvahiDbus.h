// avahi-daemon's D-Bus API (org.freedesktop.Avahi on the system bus), the part hlscam uses: its
// names, the numbers it speaks in (interfaces, protocols, states), and small helpers for its
// calls. Only QtDBus: no libavahi-client. What the daemon says comes from another process, so
// every reply is checked for its signature before it is read.
#pragma once

#include "Error.h"

#include <QByteArray>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusServiceWatcher>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QVariant>

#include <functional>

namespace hlscam::avahi {

inline const QString kService = QStringLiteral("org.freedesktop.Avahi");
inline const QString kServerPath = QStringLiteral("/");
inline const QString kServer = QStringLiteral("org.freedesktop.Avahi.Server");
inline const QString kEntryGroup = QStringLiteral("org.freedesktop.Avahi.EntryGroup");
inline const QString kServiceBrowser = QStringLiteral("org.freedesktop.Avahi.ServiceBrowser");
inline const QString kServiceResolver = QStringLiteral("org.freedesktop.Avahi.ServiceResolver");
// The error AddService answers when a group of this same daemon already has the name.
inline const QString kCollisionError = QStringLiteral("org.freedesktop.Avahi.CollisionError");

constexpr qint32 kAnyInterface = -1;  // AVAHI_IF_UNSPEC
constexpr qint32 kAnyProtocol = -1;   // AVAHI_PROTO_UNSPEC
constexpr qint32 kIPv4 = 0;           // AVAHI_PROTO_INET
constexpr qint32 kIPv6 = 1;           // AVAHI_PROTO_INET6

// AvahiServerState and AvahiEntryGroupState.
enum class ServerState { Invalid = 0, Registering = 1, Running = 2, Collision = 3, Failure = 4 };
enum class GroupState { Uncommitted = 0, Registering = 1, Established = 2, Collision = 3, Failure = 4 };

// The system bus (DBUS_SYSTEM_BUS_ADDRESS when set), under a name of our own so a test or a
// restarted daemon never shares Qt's default connection object.
QDBusConnection systemBus();
// avahi-daemon holds its name on that bus now.
bool isRunning(const QDBusConnection &bus);

QDBusMessage serverCall(const QString &method, const QList<QVariant> &args = {});
QDBusMessage objectCall(const QString &path, const QString &interface, const QString &method,
                        const QList<QVariant> &args = {});
// Sends `call` and hands its reply (or error) to `done` on `context`'s thread, unless `context`
// is gone by then. Never blocks: the daemon may be slow or restarting.
void callAsync(const QDBusConnection &bus, const QDBusMessage &call, QObject *context,
               std::function<void(const QDBusMessage &reply)> done);
// The reply's first argument as an object path; an Error naming `what` when it is not one.
Result<QString> objectPath(const QDBusMessage &reply, const QString &what);

// TXT strings as D-Bus wants them (aay), and back.
QVariant txtArgument(const QList<QByteArray> &txt);
QList<QByteArray> txtFromArgument(const QVariant &value);

// Follows avahi-daemon on the bus: `appeared` when it takes its name (and at start when it holds
// it already), `left` when it lets go of it (a stop or a crash; a restart is both, in order).
class DaemonWatch {
public:
    DaemonWatch(QObject *context, std::function<void()> appeared, std::function<void()> left);
    // Fails when the bus cannot be reached. `whileAbsent` is logged when the daemon is not there.
    Error start(const QDBusConnection &bus, const char *whileAbsent);
    void stop();
    [[nodiscard]] bool started() const { return m_started; }

private:
    QDBusServiceWatcher m_watcher;
    std::function<void()> m_appeared;
    bool m_started = false;
};

// The Avahi interface and protocol to publish on so that only `bound` is announced: any for a
// wildcard, else the interface that holds the address.
struct Scope {
    qint32 interface = kAnyInterface;
    qint32 protocol = kAnyProtocol;
};
Result<Scope> scopeOf(const QHostAddress &bound, bool wildcard);

}  // namespace hlscam::avahi
