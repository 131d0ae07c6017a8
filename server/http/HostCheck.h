// DNS rebinding defence: which names in a request's Host header this service answers to. A web
// page on a hostile name can make that name resolve to the board; the browser then sends the
// hostile name as Host, and only a refusal here keeps the page from reading the camera or the
// API through the visitor's browser. Allowed: IP literals, localhost, this machine's host name
// (alone and under .local, as mDNS announces it), and the names in [server] hostnames
// ("*.example.org" for a domain and its subdomains, "*" for any name).
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace hlscam {

class HostCheck {
public:
    // `configured`: [server] hostnames; `machineHost`: this machine's host name.
    HostCheck(const QStringList &configured, const QString &machineHost);

    // True when the Host header `host` (with or without a port; empty: none was sent, as
    // HTTP/1.0 clients may do) names this service.
    bool allows(const QByteArray &host) const;
    // The name in a Host header, lower case, without port, brackets or a final dot.
    static QString nameOf(const QByteArray &host);

private:
    bool m_any = false;
    QStringList m_names;     // exact names, lower case
    QStringList m_suffixes;  // ".example.org" for "*.example.org"
};

}  // namespace hlscam
