// A file as an attacker's victim sees it (owner, mode, inode, content, and what lies beside it),
// compared before and after a command to prove nothing was read through, written, chmod-ed or
// chown-ed by way of a planted link.
#pragma once

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <sys/stat.h>

struct FileSnapshot {
    QByteArray content;
    uid_t uid = 0;
    gid_t gid = 0;
    mode_t mode = 0;
    ino_t ino = 0;
    QStringList siblings;  // its directory's entries: no temp file or new file beside it

    bool operator==(const FileSnapshot &) const = default;

    // The file at `path` as it is, without following it when it is a link.
    static FileSnapshot of(const QString &path)
    {
        FileSnapshot s;
        struct stat st {};
        if (::lstat(QFile::encodeName(path).constData(), &st) == 0) {
            s.uid = st.st_uid;
            s.gid = st.st_gid;
            s.mode = st.st_mode;
            s.ino = st.st_ino;
        }
        if (S_ISREG(st.st_mode)) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                s.content = f.readAll();
        }
        s.siblings = QDir(QFileInfo(path).absolutePath())
                         .entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        return s;
    }

    QString describe() const
    {
        return QStringLiteral("uid %1 gid %2 mode %3 ino %4 content '%5' entries %6")
            .arg(uid)
            .arg(gid)
            .arg(mode, 0, 8)
            .arg(ino)
            .arg(QString::fromUtf8(content.left(64)), siblings.join(u','));
    }
};
