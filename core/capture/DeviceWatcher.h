// Wakes a camera's retry loop when device nodes come and go, so an unplugged camera is waited
// for without polling and opened again as soon as it is back: inotify on /dev (nodes appear,
// and udev gives them their group a moment later) and on /dev/v4l/by-id and by-path (the stable
// names udev links to whichever /dev/videoN the camera got this time). The directories under
// /dev/v4l are watched from when they appear. Used by one thread: the pipeline's.
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <atomic>

namespace hlscam {

class DeviceWatcher {
public:
    // `devDir`: /dev, or a test's own directory standing in for it. `device`: the camera's path,
    // when it is a name of its own in devDir (a udev rule's /dev/webcam): its changes wake too.
    explicit DeviceWatcher(const QString &devDir = QStringLiteral("/dev"), const QString &device = {});
    ~DeviceWatcher();
    DeviceWatcher(const DeviceWatcher &) = delete;
    DeviceWatcher &operator=(const DeviceWatcher &) = delete;

    // False when inotify could not be set up (callers then retry on their timer alone).
    bool watching() const { return m_fd >= 0; }
    // Forgets the changes seen so far: called before an attempt to open, so a change after it
    // wakes the next wait() and none before it does.
    void drain();
    // Blocks until a video device or stable name changed since the last drain(), `timeoutMs`
    // passed, or `interrupt` was set (looked at every 50 ms). True when a change woke it.
    bool wait(int timeoutMs, const std::atomic_bool &interrupt);

private:
    bool readEvents();  // true when a relevant change was read
    void watch(const QString &dir);

    QString m_devDir;
    QString m_deviceName;  // a name in devDir besides video* that matters
    int m_fd = -1;
    QHash<int, QString> m_dirs;  // watch descriptor -> directory
    bool m_changed = false;
};

}  // namespace hlscam
