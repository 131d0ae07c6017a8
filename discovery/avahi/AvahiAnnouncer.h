// Announces this service through avahi-daemon (D-Bus) instead of a responder of our own: one
// entry group holding the service under _hlscam._tcp and _http._tcp (_https._tcp), with the
// TXT strings the built-in responder sends. Avahi probes, announces, answers and says goodbye;
// the SRV record names Avahi's host name and Avahi publishes the host's addresses.
//
// A name taken on the network (or by another program through the same Avahi) is replaced by
// the one Avahi proposes ("NAME #2"). When avahi-daemon stops, the service is no longer
// announced; when it comes back (a restart, a package upgrade, or a start after hlscam's), the
// group is made again. Every call is asynchronous: a slow daemon never stalls the service.
#pragma once

#include "Announcement.h"
#include "Error.h"
#include "avahi/AvahiDbus.h"

#include <QDBusConnection>
#include <QObject>

class QDBusMessage;

namespace hlscam {

class AvahiAnnouncer : public QObject {
    Q_OBJECT
public:
    explicit AvahiAnnouncer(const Announcement &announcement, QObject *parent = nullptr);
    ~AvahiAnnouncer() override;  // frees the group: Avahi says goodbye

    // Watches avahi-daemon on the system bus and registers with it when it is there (at once or
    // later). Fails only when the system bus cannot be reached or `bound` cannot be announced.
    Error start();
    void stop();
    [[nodiscard]] QString instanceName() const { return m_name; }
    [[nodiscard]] bool isAnnounced() const { return m_announced; }

private Q_SLOTS:
    void onServerStateChanged(int state, const QString &error);
    void onGroupStateChanged(const QDBusMessage &message);

private:
    void daemonAppeared();
    void daemonLeft();
    void whenRunning(int state);
    void createGroup();
    void addServices(int generation);
    void addNext(int generation, int index);
    void renameAfterCollision(int generation);
    void forgetGroup();

    Announcement m_announcement;
    QDBusConnection m_bus;
    avahi::DaemonWatch m_daemon;
    QString m_name;
    qint32 m_interface = -1;
    qint32 m_protocol = -1;
    QString m_groupPath;      // empty: no group (yet, or Avahi is gone)
    int m_generation = 0;     // replies to calls of an earlier group or name are dropped
    bool m_creating = false;  // EntryGroupNew sent, its answer not yet in
    bool m_announced = false;
};

}  // namespace hlscam
