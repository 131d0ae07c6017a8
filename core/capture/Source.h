// A camera source: opens a device (or pattern, or file) and hands out pictures, paced in real time.
#pragma once

#include "Error.h"
#include "capture/Capture.h"

#include <QSize>
#include <QString>
#include <atomic>

namespace hlscam {

enum class ReadStatus { Ok, Failed };

class Source {
public:
    virtual ~Source() = default;
    // Opens the source; a failure names its kind (no device, busy, no permission, ...).
    virtual Error open() = 0;
    // Blocks until the next picture (at most about one frame interval plus device latency).
    // Failed means the device is gone or broken: the pipeline closes it and retries.
    virtual ReadStatus read(Capture &out) = 0;
    // The size of the pictures read() gives, known once open() succeeded; empty: the configured
    // size (a source that can be asked for its own size, width/height = auto, says it here).
    virtual QSize pictureSize() const { return {}; }
    // Non-null when the source delivers H.264 packets (passthrough); describes the stream.
    virtual const H264Parameters *h264Parameters() const { return nullptr; }
    // "test pattern 640x360@25", "/dev/video0 mjpeg 1280x720@30", ...
    virtual QString description() const = 0;
    // Why read() returned Failed.
    virtual Error lastError() const { return {}; }

    // Set by the pipeline: a read() waiting for a picture gives up (Failed) once it is true.
    void setStopFlag(const std::atomic_bool *stop) { m_stop = stop; }

protected:
    bool stopRequested() const { return m_stop && m_stop->load(); }

private:
    const std::atomic_bool *m_stop = nullptr;
};

}  // namespace hlscam
