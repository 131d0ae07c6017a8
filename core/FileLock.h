// An exclusive advisory lock (flock) on a small companion file, held while one process does a
// read-modify-write of a state file (users, bans) that another process may be changing too.
// The kernel drops the lock when its holder dies, so a kill -9 never leaves it stuck.
#pragma once

#include "Error.h"

#include <QString>

namespace hlscam {

class FileLock {
public:
    // Locks `path` + ".lock", waiting for another holder; a failure is kept in error().
    explicit FileLock(const QString &path);
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

    bool locked() const { return m_fd >= 0; }
    const Error &error() const { return m_error; }

private:
    int m_fd = -1;
    Error m_error;
};

}  // namespace hlscam
