#include "DnsSdService.h"

#include "mdns/DnsMessage.h"

namespace hlscam {

QUrl DnsSdService::url() const
{
    QUrl url;
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(addresses.isEmpty() ? hostName : addresses.first().toString());
    url.setPort(port);
    url.setPath(path.startsWith(u'/') ? path : u'/' + path);
    return url;
}

void DnsSdService::readTxt(const QList<QByteArray> &txt)
{
    tls = dns::txtValue(txt, "tls").value_or(QByteArray()) == "1";
    path = QString::fromUtf8(dns::txtValue(txt, "path").value_or(QByteArrayLiteral("/")));
    apiPath = QString::fromUtf8(dns::txtValue(txt, "api").value_or(QByteArray()));
    version = QString::fromUtf8(dns::txtValue(txt, "version").value_or(QByteArray()));
}

}  // namespace hlscam
