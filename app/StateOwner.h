// `sudo hlscam users add` on a board: root edits a directory that belongs to the service's user.
// Rather than do that with root's rights (where a link planted by a compromised service account
// could lead them elsewhere), the command becomes that user for good before touching anything
// there: it can then do nothing the service could not do itself.
#pragma once

#include "Error.h"

#include <QFileInfo>
#include <QString>

namespace hlscam::app {

// When running as root and `dir` (where the command's files are) belongs to another user,
// switches all user and group ids (real, effective, saved; supplementary groups) to the
// directory's owner and group, irrevocably. Does nothing otherwise. Fails with
// Fault::NoPermission saying why it could not.
Error becomeStateOwner(const QString &dir);

// Becomes the owner of the directory a state file (UsersFile, BanStore) is in, as above, and only
// then loads the file, so that nothing in that directory is read with root's rights.
template <typename StateFile>
Error loadAsStateOwner(StateFile &file)
{
    if (Error e = becomeStateOwner(QFileInfo(file.path()).path()))
        return e;
    return file.load();
}

}  // namespace hlscam::app
