// Reading what a test needs from a media playlist's text: segment numbers and the capture time
// of each segment's first picture (EXT-X-PROGRAM-DATE-TIME, the service's own clock).
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QRegularExpression>
#include <QString>

// The milliseconds since the epoch of an EXT-X-PROGRAM-DATE-TIME value; -1 when it is not one.
inline qint64 programDateTimeMs(const QString &value)
{
    const QDateTime t = QDateTime::fromString(value.trimmed(), Qt::ISODateWithMs);
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

// The number N of the last segment ("segN.m4s") the playlist lists; -1 when it lists none.
inline qint64 lastSegment(const QByteArray &playlist)
{
    static const QRegularExpression seg(QStringLiteral("seg(\\d+)\\.m4s"));
    qint64 last = -1;
    for (const QRegularExpressionMatch &m : seg.globalMatch(QString::fromUtf8(playlist)))
        last = m.captured(1).toLongLong();
    return last;
}

// The capture time (ms since the epoch) of segment N's first picture; -1 when N is not listed.
inline qint64 segmentTimeMs(const QByteArray &playlist, qint64 msn)
{
    const QByteArray uri = "seg" + QByteArray::number(msn) + ".m4s";
    qint64 time = -1;
    for (const QByteArray &line : playlist.split('\n')) {
        if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))
            time = programDateTimeMs(QString::fromLatin1(line.mid(25)));
        else if (line.startsWith(uri))
            return time;
    }
    return -1;
}
