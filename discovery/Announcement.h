// What a service says about itself on the LAN, whichever backend says it (the built-in responder
// or avahi-daemon): its name, port, whether it speaks HTTPS, and where it listens.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>

namespace hlscam {

struct Announcement {
    QString name;  // the instance name people see; empty: "hlscam on <host name>"
    quint16 port = 0;
    bool tls = false;
    // A wildcard: announced on every link; one address: only where that address is.
    QHostAddress bound = QHostAddress::Any;

    [[nodiscard]] bool boundToWildcard() const;
};

// The DNS-SD types it is announced as: _hlscam._tcp for hlscam's own clients, _http._tcp
// (_https._tcp with TLS) so any DNS-SD browser lists the viewer page.
inline constexpr const char *kHlscamServiceType = "_hlscam._tcp";
const char *webServiceType(bool tls);

// The TXT strings of both types. Nothing secret: how to reach the page and the API, and which
// version answers.
QList<QByteArray> announcementTxt(bool tls);

}  // namespace hlscam
