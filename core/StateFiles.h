// Reading and writing files in the state directory (users, bans, token key, camera changes, their
// locks) without ever being led elsewhere. That directory belongs to the service's user; if that
// account is compromised it can plant a symbolic link, a hard link or a fifo there and wait for
// root to run `hlscam users add`. So every state file is opened relative to its directory (opened
// itself without following a link), never through a link, and used only when it is a regular
// file with one name, owned by the directory's owner, us or root. Anything else is refused with an
// error naming the file and why, and left where it is. Ownership is only ever given away for a
// file this process has just created (O_EXCL).
#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

#include "Error.h"

namespace hlscam {

// The content of the file at `path`, at most `maxBytes` (a larger file is an error), or nullopt
// when there is no such file. The error names the file and the cause: Fault::NoPermission when
// the file is not to be trusted (a link, a fifo, ...) or its directory cannot be opened, Fault::Io
// when reading failed.
Result<std::optional<QByteArray>> readStateFile(const QString &path, qint64 maxBytes);

// Replaces the file at `path` with `data` so that a crash or kill -9 at any moment leaves either
// the old or the new content: a temp file created exclusively beside it, fsync, rename, fsync of
// the directory. Mode 0600; when run as root, owned by the replaced file's owner, else by the
// directory's (the service must still read what `sudo hlscam users add` wrote). Fails with
// Fault::Io naming the path and the cause.
Error writeFileAtomically(const QString &path, const QByteArray &data);

// Opens the lock file at `path` for flock, creating it (mode 0600, owned like the directory when
// run as root) when missing. Returns the descriptor, or Fault::Io.
Result<int> openStateLockFile(const QString &path);

// Renames the state file at `path` to `newPath` in the same directory, replacing what is there.
Error moveStateFileAside(const QString &path, const QString &newPath);

}  // namespace hlscam
