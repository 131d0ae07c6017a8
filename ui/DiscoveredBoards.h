// Boards that announce themselves on the LAN (LanBrowser, _hlscam._tcp), as a list for the
// connect page: name, host, the address to connect to.
#pragma once

#include "JsonListModel.h"

namespace hlscam {
class LanBrowser;
struct DnsSdService;
}  // namespace hlscam

namespace hlscam::ui {

class DiscoveredBoards : public JsonListModel {
    Q_OBJECT
    Q_PROPERTY(QString error READ error CONSTANT)
public:
    explicit DiscoveredBoards(QObject *parent = nullptr);
    ~DiscoveredBoards() override;

    QString error() const { return m_error; }
    // Asks the LAN again now (and a few more times).
    Q_INVOKABLE void refresh();

private:
    void found(const DnsSdService &service);
    void removed(const QString &instanceName);

    LanBrowser *m_browser;
    QString m_error;  // why nothing can be found (no socket), empty when browsing
};

}  // namespace hlscam::ui
