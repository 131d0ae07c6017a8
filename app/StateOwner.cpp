#include "StateOwner.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>
#include <cerrno>
#include <cstring>

namespace hlscam::app {

Error becomeStateOwner(const QString &dir)
{
    if (::geteuid() != 0)
        return {};
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return {};  // no directory yet, or a link: the state files' own checks say so
    struct stat st {};
    const bool known = ::fstat(fd, &st) == 0;
    ::close(fd);
    if (!known || st.st_uid == 0)
        return {};
    const uid_t uid = st.st_uid;
    const gid_t gid = st.st_gid;
    // Groups first: once the user id is dropped, changing groups is no longer allowed.
    if (::setgroups(1, &gid) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0)
        return {Fault::NoPermission, QStringLiteral("cannot switch to the owner of %1 (uid %2): %3")
                                         .arg(dir)
                                         .arg(uid)
                                         .arg(qt_error_string(errno))};
    uid_t r = 0, e = 0, s = 0;
    if (::getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid || ::setuid(0) == 0)
        return {Fault::NoPermission,
                QStringLiteral("switching to the owner of %1 (uid %2) did not hold").arg(dir).arg(uid)};
    return {};
}

}  // namespace hlscam::app
