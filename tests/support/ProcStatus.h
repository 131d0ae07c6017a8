// A figure of a running process from /proc/PID/status (VmRSS, VmHWM, ...): what the memory
// tests watch the service by.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>

// The value in kB of `field` (e.g. "VmRSS") of process `pid`; -1 when it cannot be read.
inline qint64 procStatusKb(qint64 pid, const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').first().toLongLong();
    return -1;
}

// Its resident memory now.
inline qint64 rssKb(qint64 pid) { return procStatusKb(pid, "VmRSS"); }
