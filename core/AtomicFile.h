// Replacing a state file so that a crash or kill -9 at any moment leaves either the old or the
// new content, never a mix: temp file in the same directory, fsync, rename, fsync the directory.
#pragma once

#include <QByteArray>
#include <QString>

namespace hlscam {

// Writes `data` to `path`, readable and writable by the owner only. Returns an error text
// naming the path and the cause, empty when fine.
QString writeFileAtomically(const QString &path, const QByteArray &data);

}  // namespace hlscam
