#include "StateFiles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <cstring>

namespace hlscam {

namespace {

QString errnoText(int error) { return qt_error_string(error); }

// The directory holding a state file, open without following a link in its last component (the
// components above it are the system's: /var/lib, not the service user's to change).
class StateDir {
public:
    explicit StateDir(const QString &filePath)
        : m_path(QFileInfo(filePath).path()),
          m_name(QFile::encodeName(QFileInfo(filePath).fileName()))
    {
        m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (m_fd < 0) {
            m_errno = errno;
            struct stat st {};
            if (::lstat(QFile::encodeName(m_path).constData(), &st) == 0 && S_ISLNK(st.st_mode))
                m_error = QStringLiteral(
                              "%1 is a symbolic link; refusing to follow it to a state directory "
                              "(give the directory it points at)")
                              .arg(m_path);
            else
                m_error = QStringLiteral("cannot open the directory of %1: %2").arg(path(), errnoText(m_errno));
            return;
        }
        if (::fstat(m_fd, &m_st) != 0) {
            m_errno = errno;
            m_error = QStringLiteral("cannot open the directory of %1: %2").arg(path(), errnoText(m_errno));
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~StateDir()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    StateDir(const StateDir &) = delete;
    StateDir &operator=(const StateDir &) = delete;

    bool ok() const { return m_fd >= 0; }
    bool missing() const { return m_errno == ENOENT; }  // no directory: no file either
    QString error() const { return m_error; }
    int fd() const { return m_fd; }
    const QByteArray &name() const { return m_name; }
    QString pathOf(const QByteArray &name) const
    {
        return m_path == u'/' ? QLatin1Char('/') + QFile::decodeName(name)
                              : m_path + QLatin1Char('/') + QFile::decodeName(name);
    }
    QString path() const { return pathOf(m_name); }

    // Fault::NoPermission saying why the file described by `st` must not be used, or no error.
    Error refusal(const struct stat &st) const
    {
        if (S_ISLNK(st.st_mode))
            return {Fault::NoPermission,
                    QStringLiteral("%1 is a symbolic link; refusing to follow it in the state directory").arg(path())};
        if (!S_ISREG(st.st_mode))
            return {Fault::NoPermission,
                    QStringLiteral("%1 is not a regular file; refusing to use it in the state directory").arg(path())};
        if (st.st_nlink != 1)  // a hard link: a second name of a file that may live anywhere
            return {Fault::NoPermission,
                    QStringLiteral("%1 has %2 names (a hard link); refusing to use it in the state directory")
                        .arg(path())
                        .arg(st.st_nlink)};
        // Root's files are safe too (the service account cannot make one): a users file an
        // admin copied in with sudo stays readable by the service.
        if (st.st_uid != m_st.st_uid && st.st_uid != ::geteuid() && st.st_uid != 0)
            return {Fault::NoPermission, QStringLiteral("%1 is owned by uid %2, not by the directory's owner (uid %3), "
                                                        "this user (uid %4) or root; refusing to use it in the state "
                                                        "directory")
                                             .arg(path())
                                             .arg(st.st_uid)
                                             .arg(m_st.st_uid)
                                             .arg(::geteuid())};
        return {};
    }

    // Opens the existing file without following a link and without blocking on a fifo: its
    // descriptor, -1 when there is no such file, or the refusal (Fault::NoPermission) or the
    // cause (Fault::Io).
    Result<int> openExisting(int flags) const
    {
        const int fd = ::openat(m_fd, m_name.constData(), flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            const int openError = errno;
            if (openError == ENOENT)
                return -1;
            // A link (ELOOP), a socket (ENXIO), ...: say what it is rather than the errno.
            struct stat st {};
            if (::fstatat(m_fd, m_name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0)
                if (Error refused = refusal(st))
                    return refused;
            return Error{Fault::Io, QStringLiteral("cannot open %1: %2").arg(path(), errnoText(openError))};
        }
        struct stat st {};
        Error error;
        if (::fstat(fd, &st) != 0)
            error = {Fault::Io, QStringLiteral("cannot open %1: %2").arg(path(), errnoText(errno))};
        else
            error = refusal(st);
        if (!error) {
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            return fd;
        }
        ::close(fd);
        return error;
    }

    // Creates `name` (which must not exist) for this process alone; when run as root, gives it
    // to `owner`/`group`: a file just made here, never one found in the directory.
    int createExclusive(const QByteArray &name, int flags, uid_t owner, gid_t group) const
    {
        const int fd = ::openat(m_fd, name.constData(), flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        ::fchmod(fd, 0600);
        if (::geteuid() == 0 && (owner != 0 || group != 0)) {
            // Failing leaves it root's: root reads it, the service says it cannot.
            [[maybe_unused]] const int rc = ::fchown(fd, owner, group);
        }
        return fd;
    }

    uid_t owner() const { return m_st.st_uid; }
    gid_t group() const { return m_st.st_gid; }

private:
    QString m_path;
    QByteArray m_name;
    int m_fd = -1;
    int m_errno = 0;
    struct stat m_st {};
    QString m_error;
};

QString failText(const char *verb, const QString &path, int error)
{
    return QStringLiteral("cannot %1 %2: %3").arg(QLatin1String(verb), path, errnoText(error));
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        done += n;
    }
    return true;
}

}  // namespace

Result<std::optional<QByteArray>> readStateFile(const QString &path, qint64 maxBytes)
{
    const StateDir dir(path);
    if (dir.missing())
        return std::optional<QByteArray>();
    if (!dir.ok())  // a link, or a directory we cannot open: nothing to move aside
        return Error{Fault::NoPermission, dir.error()};
    const Result<int> opened = dir.openExisting(O_RDONLY);
    if (!opened.ok())
        return opened.error();
    const int fd = opened.value();
    if (fd < 0)
        return std::optional<QByteArray>();
    QByteArray data;
    Error error;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error = {Fault::Io, failText("read", dir.path(), errno)};
            break;
        }
        if (n == 0)
            break;
        data.append(buffer, n);
        if (data.size() > maxBytes) {
            error = {Fault::Io, QStringLiteral("%1 is larger than %2 bytes").arg(dir.path()).arg(maxBytes)};
            break;
        }
    }
    ::close(fd);
    if (error)
        return error;
    return std::optional<QByteArray>(data);
}

Error writeFileAtomically(const QString &path, const QByteArray &data)
{
    const StateDir dir(path);
    if (!dir.ok())
        return {Fault::Io, dir.error()};
    // The file it replaces must be one we would read: the rename would not write through a link,
    // but refusing here says early what is wrong, and a reader refuses it anyway.
    uid_t owner = dir.owner();
    gid_t group = dir.group();
    struct stat st {};
    if (::fstatat(dir.fd(), dir.name().constData(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (Error why = dir.refusal(st))
            return why;
        owner = st.st_uid;  // the directory's owner, us or root: nobody else passes refusal()
        group = st.st_gid;
    } else if (errno != ENOENT) {
        return {Fault::Io, failText("write", dir.path(), errno)};
    }

    QByteArray temp;
    int fd = -1;
    for (int attempt = 0; fd < 0 && attempt < 16; ++attempt) {
        temp = '.' + dir.name() + ".tmp-" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        fd = dir.createExclusive(temp, O_WRONLY, owner, group);
        if (fd < 0 && errno != EEXIST)
            return {Fault::Io, failText("write", dir.path(), errno)};
    }
    if (fd < 0)
        return {Fault::Io, failText("write", dir.path(), EEXIST)};
    int error = 0;
    if (!writeAll(fd, data) || ::fsync(fd) != 0)
        error = errno;
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error == 0 && ::renameat(dir.fd(), temp.constData(), dir.fd(), dir.name().constData()) != 0)
        error = errno;
    if (error != 0) {
        ::unlinkat(dir.fd(), temp.constData(), 0);  // the file at `path` stays as it was
        return {Fault::Io, failText("write", dir.path(), error)};
    }
    ::fsync(dir.fd());  // the rename itself is durable only once the directory is synced
    return {};
}

Result<int> openStateLockFile(const QString &path)
{
    const StateDir dir(path);
    if (!dir.ok())
        return Error{Fault::Io, dir.error()};
    // Created here (and only then given to the directory's owner), or opened as found and checked.
    for (int attempt = 0; attempt < 8; ++attempt) {
        int fd = dir.createExclusive(dir.name(), O_RDONLY, dir.owner(), dir.group());
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return Error{Fault::Io, failText("open", dir.path(), errno)};
        const Result<int> existing = dir.openExisting(O_RDONLY);
        if (!existing.ok())
            return existing.error();
        if (existing.value() >= 0)
            return existing.value();
        // Removed between the two calls: try again.
    }
    return Error{Fault::Io, failText("open", dir.path(), EAGAIN)};
}

Error moveStateFileAside(const QString &path, const QString &newPath)
{
    const StateDir dir(path);
    if (!dir.ok())
        return {Fault::Io, dir.error()};
    const QByteArray newName = QFile::encodeName(QFileInfo(newPath).fileName());
    if (::renameat(dir.fd(), dir.name().constData(), dir.fd(), newName.constData()) != 0)
        return {Fault::Io, QStringLiteral("cannot rename %1 to %2: %3").arg(dir.path(), newPath, errnoText(errno))};
    ::fsync(dir.fd());
    return {};
}

}  // namespace hlscam
