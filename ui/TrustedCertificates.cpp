#include "TrustedCertificates.h"

#include <QSettings>

namespace hlscam::ui::trusted {

namespace {

QString key(const QString &authority) { return QStringLiteral("trusted-certificates/") + authority; }

}  // namespace

QString fingerprint(const QString &authority) { return QSettings().value(key(authority)).toString(); }

void remember(const QString &authority, const QString &fingerprint)
{
    QSettings().setValue(key(authority), fingerprint);
}

void forget(const QString &authority) { QSettings().remove(key(authority)); }

}  // namespace hlscam::ui::trusted
