#include "SystemdNotifier.h"

#include "camera/Camera.h"

#include <QStringList>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cstring>

namespace hlscam::app {

SystemdNotifier::SystemdNotifier(const QList<Camera *> &cameras, ViewerCount viewers, QObject *parent)
    : QObject(parent),
      m_cameras(cameras),
      m_viewers(std::move(viewers))
{
    const QByteArray path = qgetenv("NOTIFY_SOCKET");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.isEmpty() || (path[0] != '/' && path[0] != '@') || size_t(path.size()) >= sizeof address.sun_path)
        return;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    if (path[0] == '@')
        address.sun_path[0] = '\0';  // an abstract socket
    m_address = QByteArray(reinterpret_cast<const char *>(&address),
                           int(offsetof(sockaddr_un, sun_path) + size_t(path.size())));
    m_socket = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m_socket < 0)
        return;

    // A camera's state is sent as it changes; the viewer counts, which change without a signal,
    // once a second.
    for (Camera *camera : std::as_const(m_cameras))
        connect(camera, &Camera::statusChanged, this, &SystemdNotifier::checkCameras);
    connect(&m_status, &QTimer::timeout, this, &SystemdNotifier::checkCameras);
    m_status.start(1000);
    checkCameras();
    // The watchdog is pinged from this (the main) thread's event loop: if it hangs, pings stop.
    const qint64 watchdogUs = qgetenv("WATCHDOG_USEC").toLongLong();
    const QByteArray watchdogPid = qgetenv("WATCHDOG_PID");
    if (watchdogUs > 0 && (watchdogPid.isEmpty() || watchdogPid.toLongLong() == qint64(::getpid()))) {
        connect(&m_watchdog, &QTimer::timeout, this, [this] { send("WATCHDOG=1"); });
        m_watchdog.start(int(qMax<qint64>(1, watchdogUs / 2000)));
    }
}

SystemdNotifier::~SystemdNotifier()
{
    if (m_socket >= 0)
        ::close(m_socket);
}

void SystemdNotifier::send(const QByteArray &message)
{
    if (m_socket < 0)
        return;
    ::sendto(m_socket, message.constData(), size_t(message.size()), MSG_NOSIGNAL,
             reinterpret_cast<const sockaddr *>(m_address.constData()), socklen_t(m_address.size()));
}

void SystemdNotifier::checkCameras()
{
    QList<QByteArray> parts;
    bool settled = false;  // the first camera streams, or failed and says why
    for (Camera *p : std::as_const(m_cameras)) {
        const CameraStatus s = p->status();
        QByteArray part = p->name().toUtf8() + ' ' + cameraStateName(s.state).toUtf8();
        if (!s.encoder.isEmpty())
            part += " (" + s.encoder.toUtf8() + ')';
        const int viewers = m_viewers(p->name());
        part += ", " + QByteArray::number(viewers) + (viewers == 1 ? " viewer" : " viewers");
        if (s.state == CameraState::Retrying && !s.lastError.isEmpty())
            part += ": " + s.lastError.left(120).toUtf8();
        parts << part;
        if (p == m_cameras.first())
            settled = s.state == CameraState::Streaming || s.state == CameraState::Retrying;
    }
    const QByteArray status = "STATUS=" + parts.join("; ").replace('\n', ' ');
    if (!m_ready && (settled || m_cameras.isEmpty())) {
        m_ready = true;
        send("READY=1\n" + status);
        m_lastStatus = status;
    } else if (m_ready && status != m_lastStatus) {
        send(status);
        m_lastStatus = status;
    }
}

}  // namespace hlscam::app
