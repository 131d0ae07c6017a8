// One V4L2 capture device opened for streaming: its modes, its format and rate, and its frames
// through mmap'ed buffers (VIDIOC_REQBUFS/QBUF/DQBUF/STREAMON). Waiting for a frame is a poll()
// with a timeout, so the caller can give up when it is told to stop. Every failing ioctl becomes
// an Error whose Fault says what went wrong (no device, busy, no permission, ...).
#pragma once

#include "Error.h"
#include "v4l2/V4l2Modes.h"

#include <QByteArray>
#include <vector>

namespace hlscam {

// What an errno from opening or driving a camera means for the user.
Fault faultOfErrno(int err);

class V4l2Device {
public:
    V4l2Device() = default;
    ~V4l2Device();
    V4l2Device(const V4l2Device &) = delete;
    V4l2Device &operator=(const V4l2Device &) = delete;

    // Opens the node (non-blocking) and checks it captures video through streaming I/O.
    Error open(const QString &path);
    QString card() const { return m_card; }

    // Every pixel format, size and rate the driver lists (stepwise sizes: their two ends, and
    // `extra` when it lies in the range: the size that was asked for).
    QList<CameraMode> modes(QSize extra = {}) const;
    QSize currentSize() const;

    struct Format {
        quint32 fourcc = 0;
        QSize size;
        int bytesPerLine = 0;
    };
    // VIDIOC_S_FMT: the driver may answer with another size or format; the caller checks.
    Result<Format> setFormat(quint32 fourcc, QSize size);
    // VIDIOC_S_PARM; the rate the driver chose, 0 when it cannot say.
    double setFrameRate(double fps);
    // Sets a control if the driver has it; false when it has not or refused the value.
    bool setControl(quint32 id, qint32 value);

    Error startStreaming(int bufferCount);

    struct Frame {
        int index = -1;  // -1: no frame came within the timeout
        const quint8 *data = nullptr;
        qsizetype size = 0;
        quint32 sequence = 0;
        qint64 monoUs = -1;  // the driver's CLOCK_MONOTONIC capture time; -1 when it has none
        bool key = false;    // compressed formats: a key frame
    };
    // Waits at most timeoutMs for a filled buffer. Hand it back with requeue() once read.
    Result<Frame> dequeue(int timeoutMs);
    Error requeue(int index);

private:
    Error failure(const char *what, int err) const;
    void close();

    struct Buffer {
        void *start = nullptr;
        size_t length = 0;
    };
    int m_fd = -1;
    QString m_path;
    QString m_card;
    bool m_streaming = false;
    std::vector<Buffer> m_buffers;
};

}  // namespace hlscam
