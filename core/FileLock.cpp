#include "FileLock.h"

#include "AtomicFile.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace hlscam {

FileLock::FileLock(const QString &path)
{
    const QByteArray lockPath = QFile::encodeName(path + QStringLiteral(".lock"));
    m_fd = ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        m_error = QStringLiteral("cannot open %1: %2").arg(QFile::decodeName(lockPath), QString::fromLocal8Bit(strerror(errno)));
        return;
    }
    keepOwner(m_fd, path);  // the owner of the file it guards
    int rc;
    do {
        rc = ::flock(m_fd, LOCK_EX);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        m_error = QStringLiteral("cannot lock %1: %2").arg(QFile::decodeName(lockPath), QString::fromLocal8Bit(strerror(errno)));
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
