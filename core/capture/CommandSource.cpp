#include "capture/CommandSource.h"

#include "Clock.h"
#include "Logging.h"
#include "capture/CommandLine.h"
#include "capture/DeviceCatalog.h"
#include "capture/LogBudget.h"
#include "config/Settings.h"
#include "hls/H264Bitstream.h"

#include <QFileInfo>

#include <poll.h>
#include <unistd.h>
#include <cerrno>

namespace hlscam {

namespace {

constexpr qsizetype kMaxAccessUnitBytes = qsizetype(4) * 1024 * 1024;  // a 4K key frame at a high bitrate is under 2 MB
constexpr qint64 kStartTimeoutUs = 15'000'000;  // a Pi Zero's rpicam-vid takes a few seconds to its first frame
constexpr qint64 kStallTimeoutUs = 5'000'000;   // as for the other cameras (DemuxSource)
constexpr qint64 kMaxAheadUs = 1'000'000;       // a program faster than real time is held back
constexpr int kPollMs = 100;                    // how soon a read sees the stop flag
constexpr int kStopGraceMs = 2000;              // between SIGTERM and SIGKILL
constexpr int kLastWordsMs = 1000;              // for a program that closed its output to exit
constexpr qsizetype kReadBytes = qsizetype(64) * 1024;
constexpr qsizetype kMaxLineBytes = 1024;  // of standard error kept before a newline
constexpr int kLoggedLineChars = 300;

QString shortened(const QString &text, int chars)
{
    return text.size() > chars ? text.left(chars - 3) + QStringLiteral("...") : text;
}

}  // namespace

CommandSource::CommandSource(const QString &camera, QStringList programs, QStringList arguments, int fps,
                             LogBudget *stderrBudget)
    : m_camera(camera),
      m_programs(std::move(programs)),
      m_arguments(std::move(arguments)),
      m_frameUs(1'000'000 / qMax(1, fps)),
      m_stderrBudget(stderrBudget)
{}

std::unique_ptr<CommandSource> CommandSource::exec(const QString &camera, const QString &command, int fps,
                                                   LogBudget *stderrBudget)
{
    const Result<QStringList> words = splitCommand(command);
    std::unique_ptr<CommandSource> source(
        new CommandSource(camera, words.ok() ? QStringList{words.value().first()} : QStringList{},
                          words.ok() ? words.value().mid(1) : QStringList{}, fps, stderrBudget));
    if (!words.ok())
        source->m_setupError = {Fault::Other,
                                QStringLiteral("exec:%1: %2").arg(shortened(command, 80), words.error().message)};
    source->m_description = QStringLiteral("exec:%1").arg(shortened(command, 80));
    return source;
}

std::unique_ptr<CommandSource> CommandSource::rpicam(const CameraSettings &camera, int gopFrames,
                                                     LogBudget *stderrBudget)
{
    std::unique_ptr<CommandSource> source(new CommandSource(
        camera.name, {QStringLiteral("rpicam-vid"), QStringLiteral("libcamera-vid")},
        rpicamArguments(camera, gopFrames, hasH264MemoryToMemoryEncoder()), camera.fps, stderrBudget));
    source->m_description = QStringLiteral("rpicam");
    return source;
}

QStringList CommandSource::rpicamArguments(const CameraSettings &camera, int gopFrames, bool hardwareEncoder)
{
    // rpicam-vid's own option names (rpicam-apps core/options.cpp, core/video_options.hpp).
    // --inline: SPS and PPS before every key frame, where each segment starts; --flush: every
    // frame leaves at once instead of when stdio's buffer is full. Without a hardware encoder
    // (Pi 5) rpicam-vid encodes with libx264 and B-frames, which passthrough cannot package:
    // the baseline profile has none (the Pi 4's encoder never makes them, and does high).
    return {QStringLiteral("-t"),
            QStringLiteral("0"),
            QStringLiteral("--nopreview"),
            QStringLiteral("--codec"),
            QStringLiteral("h264"),
            QStringLiteral("--inline"),
            QStringLiteral("--flush"),
            QStringLiteral("--width"),
            QString::number(camera.width),
            QStringLiteral("--height"),
            QString::number(camera.height),
            QStringLiteral("--framerate"),
            QString::number(camera.fps),
            QStringLiteral("--bitrate"),
            QString::number(qint64(camera.bitrateKbps) * 1000),
            QStringLiteral("--intra"),
            QString::number(gopFrames),
            QStringLiteral("--profile"),
            hardwareEncoder ? QStringLiteral("high") : QStringLiteral("baseline"),
            QStringLiteral("-o"),
            QStringLiteral("-")};
}

Error CommandSource::open()
{
    if (m_setupError)
        return m_error = m_setupError;
    const QString searchPath = qEnvironmentVariable("PATH");
    QString path;
    for (const QString &program : std::as_const(m_programs)) {
        if (path = findProgram(program, searchPath); !path.isEmpty())
            break;
    }
    if (path.isEmpty())
        return m_error = {Fault::NoDevice,
                          QStringLiteral("%1: %2 is not installed (not found on PATH %3)")
                              .arg(m_description, m_programs.join(QStringLiteral(" or ")), searchPath)};
    m_program = QFileInfo(path).fileName();
    if (const Error e = m_child.start(path, m_arguments))
        return m_error = e;
    qCInfo(lcCapture).noquote() << m_camera << "started" << path << m_arguments.join(u' ')
                                << QStringLiteral("(pid %1)").arg(m_child.pid());
    m_splitter = std::make_unique<AccessUnitSplitter>(kMaxAccessUnitBytes);

    // The packager needs the picture size before the first packet: read up to the first key
    // frame with its SPS.
    const qint64 deadline = monotonicUs() + kStartTimeoutUs;
    bool sawKey = false;
    for (;;) {
        std::optional<AnnexBAccessUnit> unit = nextAccessUnit(
            deadline, QStringLiteral("no picture within %1 s of starting").arg(kStartTimeoutUs / 1000000));
        if (!unit) {
            if (sawKey && m_error.fault == Fault::Stalled)
                m_error = {Fault::UnsupportedFormat,
                           QStringLiteral("%1: its key frames carry no SPS and PPS (rpicam-vid --inline, "
                                          "ffmpeg -bsf:v dump_extra): a stream cannot be joined without them")
                               .arg(m_program)};
            m_child.stop(kStopGraceMs);
            return m_error;
        }
        if (!unit->key)
            continue;
        sawKey = true;
        const h264::ParameterSets sets = h264::parameterSetsInBand(unit->data);
        if (sets.isEmpty())
            continue;
        const std::optional<h264::PictureSize> size = h264::pictureSize(sets.sps.first());
        if (!size) {
            m_child.stop(kStopGraceMs);
            return m_error = {Fault::UnsupportedFormat,
                              QStringLiteral("%1: an SPS that cannot be read").arg(m_program)};
        }
        m_parameters.width = size->width;
        m_parameters.height = size->height;
        const QByteArray startCode("\x00\x00\x00\x01", 4);
        m_parameters.extradata = startCode + sets.sps.first() + startCode + sets.pps.first();
        m_first = std::move(unit);
        break;
    }
    m_description = QStringLiteral("%1: %2 H.264 %3x%4")
                        .arg(m_description, m_program)
                        .arg(m_parameters.width)
                        .arg(m_parameters.height);
    qCInfo(lcCapture).noquote() << m_camera << m_program
                                << QStringLiteral("gives H.264 %1x%2").arg(m_parameters.width).arg(m_parameters.height);
    return {};
}

ReadStatus CommandSource::read(Capture &out)
{
    std::optional<AnnexBAccessUnit> unit = std::exchange(m_first, std::nullopt);
    if (!unit)
        unit = nextAccessUnit(monotonicUs() + kStallTimeoutUs,
                              QStringLiteral("no picture for %1 s").arg(kStallTimeoutUs / 1000000));
    if (!unit)
        return ReadStatus::Failed;
    if (unit->bidirectional) {
        m_error = {Fault::UnsupportedFormat,
                   QStringLiteral("%1: the stream has B-frames, which hlscam cannot package without decoding: "
                                  "encode without them (x264: -bf 0 or -tune zerolatency)")
                       .arg(m_program)};
        return ReadStatus::Failed;
    }
    if (unit->key) {
        const h264::ParameterSets sets = h264::parameterSetsInBand(unit->data);
        const auto size = sets.sps.isEmpty() ? std::nullopt : h264::pictureSize(sets.sps.first());
        if (size && (size->width != m_parameters.width || size->height != m_parameters.height)) {
            m_error = {Fault::Other, QStringLiteral("%1: the picture size changed from %2x%3 to %4x%5")
                                         .arg(m_program)
                                         .arg(m_parameters.width)
                                         .arg(m_parameters.height)
                                         .arg(size->width)
                                         .arg(size->height)};
            return ReadStatus::Failed;
        }
    }
    stamp(out);
    out.h264 = std::move(unit->data);
    out.h264Key = unit->key;
    return ReadStatus::Ok;
}

void CommandSource::stamp(Capture &out)
{
    // A pipe has no timestamps: a picture is stamped when it arrives, at least half a frame
    // after the one before (several can arrive in one read).
    const qint64 t = qMax(monotonicUs(), m_lastStampUs + m_frameUs / 2);
    while (t - monotonicUs() > kMaxAheadUs && !stopRequested())
        sleepUs(20'000);
    m_lastStampUs = t;
    out.monoUs = t;
    out.wallUs = wallClockUs() + (t - monotonicUs());
}

std::optional<AnnexBAccessUnit> CommandSource::nextAccessUnit(qint64 deadlineUs, const QString &missing)
{
    QByteArray buffer(kReadBytes, Qt::Uninitialized);
    for (;;) {
        if (std::optional<AnnexBAccessUnit> unit = m_splitter->next())
            return unit;
        if (stopRequested()) {
            m_error = {Fault::Other, QStringLiteral("%1: stopped").arg(m_program)};
            return std::nullopt;
        }
        const qint64 leftUs = deadlineUs - monotonicUs();
        if (leftUs <= 0) {
            m_error = {Fault::Stalled,
                       QStringLiteral("%1 (pid %2) wrote %3%4")
                           .arg(m_program)
                           .arg(m_child.pid())
                           .arg(missing, m_lastErrorLine.isEmpty() ? QString()
                                                                   : QStringLiteral("; it said: ") + m_lastErrorLine)};
            return std::nullopt;
        }
        pollfd fds[2] = {{m_child.outputFd(), POLLIN, 0}, {m_child.errorFd(), POLLIN, 0}};
        if (::poll(fds, 2, int(qMin<qint64>(kPollMs, (leftUs + 999) / 1000))) < 0 && errno != EINTR) {
            m_error = {Fault::Io, QStringLiteral("%1: poll: %2").arg(m_program, qt_error_string(errno))};
            return std::nullopt;
        }
        if (fds[1].revents)
            readErrorOutput();
        if (!fds[0].revents)
            continue;
        const ssize_t n = ::read(m_child.outputFd(), buffer.data(), size_t(buffer.size()));
        if (n > 0) {
            if (const Error e = m_splitter->append(QByteArrayView(buffer).first(n))) {
                m_error = {e.fault, QStringLiteral("%1: %2").arg(m_program, e.message)};
                return std::nullopt;
            }
        } else if (n == 0) {
            m_error = ended();
            return std::nullopt;
        } else if (errno != EAGAIN && errno != EINTR) {
            m_error = {Fault::Io, QStringLiteral("%1: reading its output: %2").arg(m_program, qt_error_string(errno))};
            return std::nullopt;
        }
    }
}

Error CommandSource::ended()
{
    m_child.closeOutput();
    // Its last words (rpicam-vid's "no cameras available") come as it exits.
    const qint64 deadline = monotonicUs() + kLastWordsMs * 1000LL;
    while (m_child.errorFd() >= 0 && monotonicUs() < deadline) {
        pollfd fd = {m_child.errorFd(), POLLIN, 0};
        if (::poll(&fd, 1, 50) > 0)
            readErrorOutput();
    }
    if (!m_errorLine.isEmpty())
        logErrorLine(std::exchange(m_errorLine, {}));
    const bool exited = m_child.waitExited(kLastWordsMs);
    const pid_t pid = m_child.pid();
    m_child.stop(kStopGraceMs);
    const QString how = exited ? m_child.exitText() : QStringLiteral("closed its output (and was stopped)");
    qCWarning(lcCapture).noquote() << m_camera << m_program << QStringLiteral("(pid %1)").arg(pid) << how;
    return {Fault::Io,
            QStringLiteral("%1 %2%3").arg(
                m_program, how, m_lastErrorLine.isEmpty() ? QString() : QStringLiteral(": ") + m_lastErrorLine)};
}

void CommandSource::readErrorOutput()
{
    char buffer[4096];
    for (int reads = 0; reads < 16; ++reads) {  // bounded: the picture stream comes first
        const ssize_t n = ::read(m_child.errorFd(), buffer, sizeof buffer);
        if (n == 0) {
            m_child.closeError();
            return;
        }
        if (n < 0) {
            if (errno != EINTR)
                return;  // EAGAIN: nothing more now
            continue;
        }
        for (ssize_t i = 0; i < n; ++i) {
            const char c = buffer[i];
            if (c == '\n' || c == '\r') {
                if (!m_errorLineTooLong)
                    logErrorLine(std::exchange(m_errorLine, {}));
                m_errorLine.clear();
                m_errorLineTooLong = false;
            } else if (!m_errorLineTooLong) {
                m_errorLine.append(c);
                if (m_errorLine.size() >= kMaxLineBytes) {
                    logErrorLine(std::exchange(m_errorLine, {}));
                    m_errorLineTooLong = true;  // the rest of this line is dropped
                }
            }
        }
    }
}

void CommandSource::logErrorLine(const QByteArray &line)
{
    QString text = QString::fromUtf8(line.trimmed());
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control)
            c = u'?';  // terminal escapes and the like stay out of the journal
    }
    if (text.isEmpty())
        return;
    text = shortened(text, kLoggedLineChars);
    m_lastErrorLine = text;
    if (m_stderrBudget && !m_stderrBudget->take())
        return;
    const qint64 dropped = m_stderrBudget ? m_stderrBudget->takeDropped() : 0;
    if (dropped > 0)
        qCInfo(lcCapture).noquote() << m_camera << m_program
                                    << QStringLiteral("(%1 lines of its output were not logged)").arg(dropped);
    qCInfo(lcCapture).noquote() << m_camera << m_program + u':' << text;
}

}  // namespace hlscam
