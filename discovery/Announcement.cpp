#include "Announcement.h"

namespace hlscam {

bool Announcement::boundToWildcard() const
{
    return bound == QHostAddress::Any || bound == QHostAddress::AnyIPv4 || bound == QHostAddress::AnyIPv6;
}

const char *webServiceType(bool tls) { return tls ? "_https._tcp" : "_http._tcp"; }

QList<QByteArray> announcementTxt(bool tls)
{
    return {QByteArrayLiteral("txtvers=1"), QByteArrayLiteral("path=/"), QByteArrayLiteral("api=/api/v1"),
            QByteArrayLiteral("version=" HLSCAM_VERSION),
            tls ? QByteArrayLiteral("tls=1") : QByteArrayLiteral("tls=0")};
}

}  // namespace hlscam
