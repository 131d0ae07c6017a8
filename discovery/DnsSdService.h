// One hlscam service found on the LAN, whichever way it was found (our own querier or
// avahi-daemon): what the desktop app shows and connects to.
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QPointer>
#include <QString>
#include <QUrl>

namespace hlscam {

struct DnsSdService {
    QString instanceName;           // "hlscam on pi": unique on the LAN, the key of a service
    QString hostName;               // "pi.local"
    QList<QHostAddress> addresses;  // IPv4 first; IPv6 link-local ones carry their interface
    quint16 port = 0;
    bool tls = false;                    // TXT tls=1: the service speaks HTTPS
    QString path = QStringLiteral("/");  // TXT path: the viewer page
    QString apiPath;                     // TXT api: the admin API, "/api/v1"
    QString version;                     // TXT version

    // The viewer page at the first address, e.g. http://192.168.1.20:8080/
    [[nodiscard]] QUrl url() const;
    // port, tls, path, api and version from the TXT strings (key=value) of the service.
    void readTxt(const QList<QByteArray> &txt);
    bool operator==(const DnsSdService &) const = default;
};

// What changed from `before` to `after` (services by instance name), told through the browser's
// own signals: first what left, then what came or changed. A receiver may delete the browser:
// nothing more is sent from a dead object.
template <typename Browser>
void reportChanges(Browser *browser, const QHash<QString, DnsSdService> &before,
                   const QHash<QString, DnsSdService> &after, void (Browser::*removed)(const QString &),
                   void (Browser::*found)(const DnsSdService &))
{
    const QPointer<Browser> alive(browser);
    for (auto it = before.cbegin(); it != before.cend() && alive; ++it)
        if (!after.contains(it.key()))
            (browser->*removed)(it.key());
    for (auto it = after.cbegin(); it != after.cend() && alive; ++it)
        if (before.value(it.key()) != it.value())
            (browser->*found)(it.value());
}

}  // namespace hlscam

Q_DECLARE_METATYPE(hlscam::DnsSdService)
