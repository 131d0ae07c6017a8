// An exclusive advisory lock (flock) on a small companion file, held while one process does a
// read-modify-write of a state file (users, bans) that another process may be changing too.
// The kernel drops the lock when its holder dies, so a kill -9 never leaves it stuck.
#pragma once

#include <QString>

namespace hlscam {

class FileLock {
public:
    // Locks `path` + ".lock", waiting for another holder; lock() failing is reported by error().
    explicit FileLock(const QString &path);
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

    bool locked() const { return m_fd >= 0; }
    QString error() const { return m_error; }

private:
    int m_fd = -1;
    QString m_error;
};

}  // namespace hlscam
