// Runs FFmpeg's ffprobe on a file or URL and reads its JSON answer: what a real decoder makes of
// the media hlscam writes. Shared by the unit, integration and desktop tests.
#pragma once

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

struct FfProbe {
    QJsonObject stream;  // the first video stream's entries; empty when there is none
    QJsonArray packets;  // when asked for with "packet=..." entries
    QString error;       // why ffprobe failed or found no video; empty when it did not
    bool ok() const { return error.isEmpty(); }
};

enum class CountFrames { No, Yes };

// `entries`: ffprobe's -show_entries, e.g. "stream=codec_name,width,height". CountFrames::Yes
// decodes every frame (nb_read_frames); only for media that end, not a live playlist.
inline FfProbe ffprobe(const QString &input, const QString &entries, CountFrames count = CountFrames::No,
                       int timeoutMs = 60000)
{
    QStringList args{QStringLiteral("-v"), QStringLiteral("error")};
    if (count == CountFrames::Yes)
        args << QStringLiteral("-count_frames");
    args << QStringLiteral("-select_streams") << QStringLiteral("v:0") << QStringLiteral("-show_entries") << entries
         << QStringLiteral("-of") << QStringLiteral("json") << input;
    FfProbe result;
    QProcess probe;
    probe.start(QStringLiteral("ffprobe"), args);
    if (!probe.waitForFinished(timeoutMs)) {
        result.error =
            QStringLiteral("ffprobe did not finish within %1 ms: %2").arg(timeoutMs).arg(probe.errorString());
        return result;  // the QProcess destructor kills it
    }
    if (probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0) {
        result.error = QStringLiteral("ffprobe failed (%1): %2")
                           .arg(probe.exitCode())
                           .arg(QString::fromUtf8(probe.readAllStandardError()).trimmed());
        return result;
    }
    const QJsonDocument json = QJsonDocument::fromJson(probe.readAllStandardOutput());
    const QJsonArray streams = json[QStringLiteral("streams")].toArray();
    result.packets = json[QStringLiteral("packets")].toArray();
    if (streams.isEmpty())
        result.error = QStringLiteral("ffprobe found no video stream in %1").arg(input);
    else
        result.stream = streams.first().toObject();
    return result;
}

// The same for media in memory, written to a temporary file `fileName` first (its extension
// tells ffprobe a raw format such as .h264).
inline FfProbe ffprobeData(const QByteArray &media, const QString &fileName, const QString &entries,
                           CountFrames count = CountFrames::No)
{
    QTemporaryDir dir;
    QFile file(dir.filePath(fileName));
    if (!dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write(media) != media.size() || !file.flush()) {
        FfProbe failed;
        failed.error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return failed;
    }
    file.close();
    return ffprobe(file.fileName(), entries, count);
}

// A stream's codec and size from its ffprobe entries (codec_name, width, height): "CODEC
// WIDTHxHEIGHT", e.g. "h264 320x180". One string to compare, which shows all of it when it differs.
inline QString codecAndSize(const QJsonObject &stream)
{
    return QStringLiteral("%1 %2x%3")
        .arg(stream[QStringLiteral("codec_name")].toString())
        .arg(stream[QStringLiteral("width")].toInt())
        .arg(stream[QStringLiteral("height")].toInt());
}

// A picture (a JPEG in memory) as ffprobe reads it: its codecAndSize, e.g. "mjpeg 320x180", or why
// it could not be read.
inline QString probePicture(const QByteArray &picture)
{
    const FfProbe probe =
        ffprobeData(picture, QStringLiteral("picture.jpg"), QStringLiteral("stream=codec_name,width,height"));
    return probe.ok() ? codecAndSize(probe.stream) : probe.error;
}
