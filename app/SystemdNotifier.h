// Tells systemd how the service is doing, with sd_notify(3)'s protocol spoken directly (a
// datagram to $NOTIFY_SOCKET; no library): READY=1 once the first camera streams or has failed
// clearly, STATUS= with each camera's state, encoder and viewers, WATCHDOG=1 from the main event loop at
// half of $WATCHDOG_USEC (a stuck loop stops the pings and systemd restarts the service), and
// STOPPING=1 on the way out (sent by the caller). Does nothing when not started by systemd with Type=notify.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QTimer>
#include <functional>

namespace hlscam {
class Camera;
}

namespace hlscam::app {

class SystemdNotifier : public QObject {
    Q_OBJECT
public:
    using ViewerCount = std::function<int(const QString &camera)>;
    SystemdNotifier(const QList<Camera *> &cameras, ViewerCount viewers, QObject *parent = nullptr);
    ~SystemdNotifier() override;

    bool enabled() const { return m_socket >= 0; }
    void send(const QByteArray &message);

private:
    void checkCameras();

    QList<Camera *> m_cameras;
    ViewerCount m_viewers;
    int m_socket = -1;
    QByteArray m_address;  // sockaddr_un bytes
    bool m_ready = false;
    QByteArray m_lastStatus;
    QTimer m_status;
    QTimer m_watchdog;
};

}  // namespace hlscam::app
