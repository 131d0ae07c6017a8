#include "FileLock.h"

#include "StateFiles.h"

#include <sys/file.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace hlscam {

FileLock::FileLock(const QString &path)
{
    const QString lockPath = path + QStringLiteral(".lock");
    const Result<int> opened = openStateLockFile(lockPath);
    if (!opened.ok()) {
        m_error = opened.error();
        return;
    }
    m_fd = opened.value();
    int rc;
    do {
        rc = ::flock(m_fd, LOCK_EX);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        m_error = {Fault::Io, QStringLiteral("cannot lock %1: %2").arg(lockPath, qt_error_string(errno))};
        ::close(m_fd);
        m_fd = -1;
    }
}

FileLock::~FileLock()
{
    if (m_fd >= 0)
        ::close(m_fd);  // closing releases the lock
}

}  // namespace hlscam
