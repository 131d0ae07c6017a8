#include "AtomicFile.h"

#include <QFileInfo>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hlscam {

void keepOwner(int fd, const QString &path)
{
    if (::geteuid() != 0)
        return;
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0
        && ::stat(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), &st) != 0)
        return;
    if (::fchown(fd, st.st_uid, st.st_gid) != 0)
        return;  // the file stays root's: readable by root, the service will say it cannot read it
}

QString writeFileAtomically(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);  // writes a temp file beside `path`, fsyncs it and renames it on commit
    // Unbuffered: Qt 6.4's commit() does not notice a failure to flush its own buffer, so on a
    // full disk it would rename an empty file over the good one. Each write goes to the file
    // at once, and a short write fails here instead.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    keepOwner(file.handle(), path);
    if (file.write(data) != data.size() || !file.flush()) {
        const QString error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();  // the file at `path` stays as it was
        return error;
    }
    if (!file.commit())
        return QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
    // The rename itself is durable only once the directory is synced.
    const QByteArray dir = QFileInfo(path).absolutePath().toLocal8Bit();
    const int fd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    return {};
}

}  // namespace hlscam
