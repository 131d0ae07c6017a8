#include "DiscoveredBoards.h"

#include "net/DnsSdBrowser.h"

#include <QJsonObject>

namespace hlscam::ui {

namespace {

QString addressForField(const DnsSdService &s)
{
    const QHostAddress a = s.addresses.value(0);
    const QString host = a.isNull()                                      ? s.hostName
                         : a.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(a.toString())
                                                                         : a.toString();
    return (s.tls ? QStringLiteral("https://") : QString()) + QStringLiteral("%1:%2").arg(host).arg(s.port);
}

}  // namespace

DiscoveredBoards::DiscoveredBoards(QObject *parent)
    : JsonListModel(
          {QStringLiteral("name"), QStringLiteral("host"), QStringLiteral("address"), QStringLiteral("version")},
          parent),
      m_browser(new DnsSdBrowser(this))
{
    connect(m_browser, &DnsSdBrowser::serviceFound, this, &DiscoveredBoards::found);
    connect(m_browser, &DnsSdBrowser::serviceRemoved, this, &DiscoveredBoards::removed);
    if (const Error error = m_browser->start())
        m_error = QStringLiteral("Cannot look for boards on this network: %1").arg(error.message);
}

DiscoveredBoards::~DiscoveredBoards() = default;

void DiscoveredBoards::refresh() { m_browser->refresh(); }

void DiscoveredBoards::found(const DnsSdService &service)
{
    QJsonArray list = rows();
    const QJsonObject row{{QStringLiteral("name"), service.instanceName},
                          {QStringLiteral("host"), service.hostName},
                          {QStringLiteral("address"), addressForField(service)},
                          {QStringLiteral("version"), service.version}};
    const int at = find(QStringLiteral("name"), service.instanceName);
    if (at >= 0)
        list[at] = row;
    else
        list.append(row);
    setRows(list);
}

void DiscoveredBoards::removed(const QString &instanceName)
{
    QJsonArray list = rows();
    const int at = find(QStringLiteral("name"), instanceName);
    if (at < 0)
        return;
    list.removeAt(at);
    setRows(list);
}

}  // namespace hlscam::ui
