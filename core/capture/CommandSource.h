// A camera that is a program writing H.264 Annex B on its standard output: `device = rpicam`
// (Raspberry Pi's rpicam-vid, the way to a CSI camera module through libcamera) or
// `device = exec:COMMAND` (anything else that does). The program runs as a ChildProcess; its
// stream is cut into access units and handed on untouched (passthrough), its standard error
// goes to the log. When it exits, stalls or writes something that is not H.264, read() fails
// with what happened and the pipeline starts it again with its backoff.
#pragma once

#include "capture/AccessUnitSplitter.h"
#include "capture/ChildProcess.h"
#include "capture/Source.h"

#include <QStringList>
#include <memory>
#include <optional>

namespace hlscam {

class LogBudget;
struct CameraSettings;

class CommandSource final : public Source {
public:
    // `device = exec:COMMAND`: `command` is what follows "exec:" (split as CommandLine says).
    static std::unique_ptr<CommandSource> exec(const QString &camera, const QString &command, int fps,
                                               LogBudget *stderrBudget);
    // `device = rpicam`: rpicam-vid (else libcamera-vid) from PATH, asked for the camera's size,
    // rate and bitrate, with a key frame every `gopFrames`.
    static std::unique_ptr<CommandSource> rpicam(const CameraSettings &camera, int gopFrames, LogBudget *stderrBudget);
    // The arguments rpicam-vid is run with (without the program).
    static QStringList rpicamArguments(const CameraSettings &camera, int gopFrames, bool hardwareEncoder);

    Error open() override;
    ReadStatus read(Capture &out) override;
    const H264Parameters *h264Parameters() const override { return &m_parameters; }
    QString description() const override { return m_description; }
    Error lastError() const override { return m_error; }

private:
    CommandSource(const QString &camera, QStringList programs, QStringList arguments, int fps, LogBudget *stderrBudget);
    // Reads until an access unit is complete, the stop flag is set, the program ends or the
    // monotonic clock passes `deadlineUs` (a Stalled error that says `missing`).
    std::optional<AnnexBAccessUnit> nextAccessUnit(qint64 deadlineUs, const QString &missing);
    void readErrorOutput();
    void logErrorLine(const QByteArray &line);
    Error ended();  // the program closed its output: why, with its last words
    void stamp(Capture &out);

    QString m_camera;
    QStringList m_programs;  // the first one found on PATH runs
    QStringList m_arguments;
    Error m_setupError;  // the command could not be split
    QString m_program;   // the one that runs
    qint64 m_frameUs;
    LogBudget *m_stderrBudget;
    ChildProcess m_child;
    std::unique_ptr<AccessUnitSplitter> m_splitter;
    QByteArray m_errorLine;  // standard error not yet ended by a newline
    bool m_errorLineTooLong = false;
    QString m_lastErrorLine;
    std::optional<AnnexBAccessUnit> m_first;  // the key frame open() read the stream's size from
    H264Parameters m_parameters;
    qint64 m_lastStampUs = 0;
    QString m_description;
    Error m_error;
};

}  // namespace hlscam
