// Finds hlscam services (_hlscam._tcp) through avahi-daemon (D-Bus) instead of a querier of our
// own: one ServiceBrowser, and a ServiceResolver for each instance it reports on each interface
// and protocol (ItemNew), freed again when the instance leaves (ItemRemove). Avahi keeps the
// cache, follows TTLs and goodbyes, and tells us about changes; what it resolved on every
// interface makes one DnsSdService (IPv4 addresses first). When avahi-daemon stops, everything
// found is removed; when it comes back, browsing starts again. Bounded like DnsSdBrowser:
// kMaxServices instances, kMaxItems interface/protocol entries of them.
#pragma once

#include "DnsSdService.h"
#include "Error.h"
#include "avahi/AvahiDbus.h"

#include <QDBusConnection>
#include <QHash>
#include <QObject>

class QDBusMessage;

namespace hlscam {

class AvahiBrowser : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxServices = 64;
    static constexpr int kMaxItems = 256;

    explicit AvahiBrowser(QObject *parent = nullptr);
    ~AvahiBrowser() override;

    // Fails only when the system bus cannot be reached; a daemon not there yet is waited for.
    Error start();
    void stop();
    // Makes Avahi ask the LAN again now: a second ServiceBrowser for a few seconds (a new browser
    // sends a query); what answers reaches the standing browser through Avahi's cache.
    void refresh();
    [[nodiscard]] QList<DnsSdService> services() const { return m_services.values(); }

Q_SIGNALS:
    void serviceFound(const hlscam::DnsSdService &service);
    void serviceRemoved(const QString &instanceName);

private Q_SLOTS:
    void onItemNew(const QDBusMessage &message);
    void onItemRemove(const QDBusMessage &message);
    void onResolved(const QDBusMessage &message);
    void onBrowserFailure(const QDBusMessage &message);
    void onResolverFailure(const QDBusMessage &message);

private:
    // One instance as Avahi saw it on one interface and protocol.
    struct Item {
        qint32 interface = 0;
        qint32 protocol = 0;
        QString name;
        QString domain;
        QString resolverPath;  // empty until ServiceResolverNew answers
        int generation = 0;    // of the browser that reported it
        bool resolved = false;
        QString host;
        QHostAddress address;
        quint16 port = 0;
        QList<QByteArray> txt;
    };

    void daemonAppeared();
    void daemonLeft();
    void createBrowser();
    void handleItem(const QDBusMessage &message, bool isNew);
    void freeObject(const QString &path, const QString &interface);
    void removeAll();
    void reconcile();
    static QString itemKey(const QList<QVariant> &args);  // interface, protocol, name, (type,) domain

    QDBusConnection m_bus;
    avahi::DaemonWatch m_daemon;
    QString m_browserPath;
    bool m_creatingBrowser = false;
    // Items reported before ServiceBrowserNew told us our browser's path (Avahi may send them
    // first): kept, bounded, until it does.
    QList<QDBusMessage> m_early;
    int m_generation = 0;
    QHash<QString, Item> m_items;  // by itemKey
    QHash<QString, DnsSdService> m_services;
};

}  // namespace hlscam
