#include "capture/CommandLine.h"

#include <QDir>
#include <QFileInfo>

namespace hlscam {

namespace {

bool isBlank(QChar c) { return c == u' ' || c == u'\t'; }

// Words a shell would take as operators: passed to a program they would make a confusing
// command, not a pipe or a redirection.
bool isShellOperator(const QString &word)
{
    static const QStringList operators = {QStringLiteral("|"),  QStringLiteral("||"),   QStringLiteral("&"),
                                          QStringLiteral("&&"), QStringLiteral(";"),    QStringLiteral("<"),
                                          QStringLiteral(">"),  QStringLiteral(">>"),   QStringLiteral("2>"),
                                          QStringLiteral("&>"), QStringLiteral("2>&1"), QStringLiteral("<<")};
    return operators.contains(word);
}

}  // namespace

Result<QStringList> splitCommand(const QString &command)
{
    QStringList words;
    QString word;
    bool inWord = false;
    bool quotedWord = false;  // some of the word was quoted: an operator in it is literal
    const auto endWord = [&]() -> Error {
        if (!inWord)
            return {};
        if (!quotedWord && isShellOperator(word))
            return {Fault::Other, QStringLiteral("'%1' is a shell operator, and no shell runs the command: "
                                                 "write exec:sh -c '...' for pipes and redirections, or quote it")
                                      .arg(word)};
        words.append(word);
        word.clear();
        inWord = quotedWord = false;
        return {};
    };
    for (qsizetype i = 0; i < command.size(); ++i) {
        const QChar c = command[i];
        if (isBlank(c)) {
            if (const Error e = endWord())
                return e;
            continue;
        }
        inWord = true;
        if (c == u'\'') {
            const qsizetype close = command.indexOf(u'\'', i + 1);
            if (close < 0)
                return Error{Fault::Other, QStringLiteral("a ' is not closed")};
            word += command.mid(i + 1, close - i - 1);
            quotedWord = true;
            i = close;
        } else if (c == u'"') {
            quotedWord = true;
            for (++i;; ++i) {
                if (i >= command.size())
                    return Error{Fault::Other, QStringLiteral("a \" is not closed")};
                if (command[i] == u'"')
                    break;
                if (command[i] == u'\\' && i + 1 < command.size() &&
                    (command[i + 1] == u'"' || command[i + 1] == u'\\'))
                    ++i;
                word += command[i];
            }
        } else if (c == u'\\') {
            if (++i >= command.size())
                return Error{Fault::Other, QStringLiteral("the command ends with a \\")};
            word += command[i];
            quotedWord = true;
        } else {
            word += c;
        }
    }
    if (const Error e = endWord())
        return e;
    if (words.isEmpty())
        return Error{Fault::Other, QStringLiteral("the command is empty")};
    return words;
}

QString findProgram(const QString &program, const QString &searchPath)
{
    const auto runnable = [](const QString &path) {
        const QFileInfo info(path);
        return info.isFile() && info.isExecutable();
    };
    if (program.contains(u'/'))
        return QDir::isAbsolutePath(program) && runnable(program) ? program : QString();
    for (const QString &dir : searchPath.split(u':', Qt::SkipEmptyParts)) {
        // An empty or relative entry would search the working directory: nobody's guess in a service.
        if (!QDir::isAbsolutePath(dir))
            continue;
        QString candidate = dir + u'/' + program;
        if (runnable(candidate))
            return candidate;
    }
    return {};
}

}  // namespace hlscam
