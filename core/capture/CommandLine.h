// Splits an `exec:` command into the program and its arguments the way a POSIX shell splits
// words, without running a shell: blanks separate words, '...' keeps everything literally,
// "..." keeps everything but \" and \\, and a backslash outside quotes keeps the next character.
// Nothing is expanded ($VAR, *, ~) and there are no pipes or redirections: a command that needs
// them names a shell itself (exec:sh -c '...').
#pragma once

#include "Error.h"

#include <QStringList>

namespace hlscam {

// The words of `command`; fails on an unclosed quote, a trailing backslash, an empty command,
// or a shell operator (|, >, ;, &&, ...) that would silently become an argument.
Result<QStringList> splitCommand(const QString &command);

// Where `program` runs from: itself when it holds a slash (it must then be absolute), else the
// first executable file of that name in the directories of `searchPath` (PATH's format).
// Empty when there is none.
QString findProgram(const QString &program, const QString &searchPath);

}  // namespace hlscam
