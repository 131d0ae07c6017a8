// `hlscam pattern`: the service's own stamped test pattern as raw yuv420p on stdout, paced to
// its frame rate, so another encoder (the classic ffmpeg + nginx-rtmp stack in bench/) can be
// fed exactly the picture hlscam encodes, clock, time code and all.
#include "Commands.h"
#include "SettingsOptions.h"

#include "capture/TestPatternSource.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <unistd.h>
#include <csignal>
#include <cstdio>

namespace hlscam::app {

namespace {

bool writeAll(const quint8 *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, data, size);
        if (n <= 0)
            return false;  // the reader went away
        data += n;
        size -= size_t(n);
    }
    return true;
}

}  // namespace

int pattern(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write the stamped test pattern as raw yuv420p frames to stdout, in real time."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("size"), QStringLiteral("WIDTHxHEIGHT (default 640x360)."), QStringLiteral("SIZE"),
                      QStringLiteral("640x360")});
    parser.addOption({QStringLiteral("fps"), QStringLiteral("Frames per second (default 25)."), QStringLiteral("FPS"),
                      QStringLiteral("25")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Stop after this long (default: until stdout closes)."),
                      QStringLiteral("SECONDS"), QStringLiteral("0")});
    if (auto exit = parseOrExit(parser, args))
        return *exit;
    QTextStream err(stderr);
    const QStringList size = parser.value(QStringLiteral("size")).split(u'x');
    bool okW = false, okH = false, okFps = false, okSeconds = false;
    const int width = size.value(0).toInt(&okW);
    const int height = size.value(1).toInt(&okH);
    const int fps = parser.value(QStringLiteral("fps")).toInt(&okFps);
    const int seconds = parser.value(QStringLiteral("seconds")).toInt(&okSeconds);
    if (size.size() != 2 || !okW || !okH || width < 16 || height < 16 || width > 3840 || height > 2160 || width % 2 ||
        height % 2 || !okFps || fps < 1 || fps > 60 || !okSeconds || seconds < 0) {
        err << "hlscam pattern: --size is even WIDTHxHEIGHT up to 3840x2160, --fps 1 to 60, --seconds >= 0\n";
        return kExitUsage;
    }
    std::signal(SIGPIPE, SIG_IGN);  // a closed reader is a write error, not a crash

    TestPatternSource source(width, height, fps);
    if (const Error e = source.open()) {
        err << "hlscam pattern: " << e.message << "\n";
        return kExitFailure;
    }
    const qint64 frames = qint64(seconds) * fps;
    for (qint64 n = 0; frames == 0 || n < frames; ++n) {
        Capture capture;
        if (source.read(capture) != ReadStatus::Ok) {
            err << "hlscam pattern: " << source.lastError().message << "\n";
            return kExitFailure;
        }
        // I420 planes are packed without padding: the picture is the raw frame as it stands.
        const QByteArray &frame = capture.picture.data;
        if (!writeAll(reinterpret_cast<const quint8 *>(frame.constData()), size_t(frame.size())))
            return kExitOk;
    }
    return kExitOk;
}

}  // namespace hlscam::app
