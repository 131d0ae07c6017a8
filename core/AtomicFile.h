// Replacing a state file so that a crash or kill -9 at any moment leaves either the old or the
// new content, never a mix: temp file in the same directory, fsync, rename, fsync the directory.
#pragma once

#include <QByteArray>
#include <QString>

namespace hlscam {

// Writes `data` to `path`, readable and writable by the owner only. Returns an error text
// naming the path and the cause, empty when fine.
QString writeFileAtomically(const QString &path, const QByteArray &data);

// When running as root, gives the file open as `fd` the owner of `path` (the file it replaces),
// else of `path`'s directory: root running `hlscam users add` on a board must not leave a file
// the service (user hlscam) can no longer read or lock. Does nothing for other users.
void keepOwner(int fd, const QString &path);

}  // namespace hlscam
