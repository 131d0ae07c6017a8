#include "capture/DeviceWatcher.h"

#include "Clock.h"

#include <QFile>
#include <QFileInfo>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace hlscam {

namespace {
constexpr quint32 kEvents = IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF;
constexpr int kSliceMs = 50;  // how often a wait looks at its interrupt flag
}  // namespace

DeviceWatcher::DeviceWatcher(const QString &devDir, const QString &device)
    : m_devDir(devDir),
      m_fd(inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
{
    if (const QFileInfo info(device); info.path() == devDir)
        m_deviceName = info.fileName();
    if (m_fd < 0)
        return;
    watch(m_devDir);
    watch(m_devDir + QStringLiteral("/v4l"));
    watch(m_devDir + QStringLiteral("/v4l/by-id"));
    watch(m_devDir + QStringLiteral("/v4l/by-path"));
}

DeviceWatcher::~DeviceWatcher()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

void DeviceWatcher::watch(const QString &dir)
{
    const int wd = inotify_add_watch(m_fd, QFile::encodeName(dir).constData(), kEvents | IN_ONLYDIR);
    if (wd >= 0)
        m_dirs.insert(wd, dir);  // a missing directory is watched from when its parent sees it made
}

bool DeviceWatcher::readEvents()
{
    bool relevant = false;
    alignas(inotify_event) char buffer[4096];
    // Bounded: a full buffer means more may wait, and /dev cannot change faster than we read.
    for (int round = 0; round < 64; ++round) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        for (ssize_t at = 0; at + ssize_t(sizeof(inotify_event)) <= n;) {
            const auto *event = reinterpret_cast<const inotify_event *>(buffer + at);
            at += ssize_t(sizeof(inotify_event)) + event->len;
            const QString dir = m_dirs.value(event->wd);
            const QString name = event->len ? QFile::decodeName(event->name) : QString();
            if (event->mask & (IN_IGNORED | IN_DELETE_SELF)) {
                m_dirs.remove(event->wd);
                continue;
            }
            // In /dev itself only video nodes and the v4l directory matter (ttys and the rest
            // come and go too); below /dev/v4l everything does.
            if (dir == m_devDir && !name.startsWith(QLatin1String("video")) && name != QLatin1String("v4l") &&
                (m_deviceName.isEmpty() || name != m_deviceName))
                continue;
            relevant = true;
            if ((event->mask & (IN_CREATE | IN_MOVED_TO)) && (event->mask & IN_ISDIR)) {
                const QString made = dir + u'/' + name;
                watch(made);
                if (name == QLatin1String("v4l")) {  // its own subdirectories may already be there
                    watch(made + QStringLiteral("/by-id"));
                    watch(made + QStringLiteral("/by-path"));
                }
            }
        }
    }
    return relevant;
}

void DeviceWatcher::drain()
{
    if (m_fd >= 0)
        readEvents();
    m_changed = false;
}

bool DeviceWatcher::wait(int timeoutMs, const std::atomic_bool &interrupt)
{
    const qint64 deadline = monotonicUs() + qint64(timeoutMs) * 1000;
    while (!interrupt) {
        if (m_fd >= 0 && readEvents())
            m_changed = true;
        if (m_changed)
            return true;
        const qint64 leftMs = (deadline - monotonicUs()) / 1000;
        if (leftMs <= 0)
            return false;
        pollfd p{m_fd, POLLIN, 0};
        // Without inotify (m_fd < 0) poll() just sleeps.
        if (::poll(&p, m_fd >= 0 ? 1 : 0, int(qMin<qint64>(leftMs, kSliceMs))) < 0 && errno != EINTR)
            return false;
    }
    return false;
}

}  // namespace hlscam
