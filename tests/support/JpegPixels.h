// A JPEG decoded by FFmpeg's ffmpeg into raw pixels: what a real decoder sees in the snapshots
// and MJPEG frames hlscam serves.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

// The pixels of `jpeg` in `pixelFormat` (ffmpeg's -pix_fmt: "gray", "rgb24", ...), after the
// video filter `filter` (e.g. "scale=1:1:flags=area") when one is given; empty when ffmpeg fails.
inline QByteArray jpegPixels(const QByteArray &jpeg, const QString &pixelFormat, const QString &filter = {})
{
    QStringList args{"-v", "error", "-f", "image2pipe", "-c:v", "mjpeg", "-i", "-"};
    if (!filter.isEmpty())
        args << QStringLiteral("-vf") << filter;
    args << QStringLiteral("-f") << QStringLiteral("rawvideo") << QStringLiteral("-pix_fmt") << pixelFormat
         << QStringLiteral("-");
    QProcess ffmpeg;
    ffmpeg.start(QStringLiteral("ffmpeg"), args);
    ffmpeg.write(jpeg);
    ffmpeg.closeWriteChannel();
    if (!ffmpeg.waitForFinished(20000) || ffmpeg.exitCode() != 0)
        return {};
    return ffmpeg.readAllStandardOutput();
}
