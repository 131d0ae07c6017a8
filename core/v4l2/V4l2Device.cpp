#include "v4l2/V4l2Device.h"
#include "v4l2/Ioctl.h"

#include <QFile>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace hlscam {

namespace {

QList<double> frameRates(int fd, quint32 fourcc, QSize size, bool *range)
{
    QList<double> rates;
    v4l2_frmivalenum iv{};
    iv.pixel_format = fourcc;
    iv.width = quint32(size.width());
    iv.height = quint32(size.height());
    for (iv.index = 0; iv.index < 64 && xioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0; ++iv.index) {
        if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
            if (iv.discrete.numerator > 0)
                rates.append(double(iv.discrete.denominator) / iv.discrete.numerator);
            continue;
        }
        // A range: its two ends (an interval's maximum is the lowest rate).
        if (iv.stepwise.min.numerator > 0 && iv.stepwise.max.numerator > 0) {
            rates = {double(iv.stepwise.max.denominator) / iv.stepwise.max.numerator,
                     double(iv.stepwise.min.denominator) / iv.stepwise.min.numerator};
            *range = true;
        }
        break;
    }
    return rates;
}

}  // namespace

Fault faultOfErrno(int err)
{
    switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO: return Fault::NoDevice;
    case EBUSY: return Fault::Busy;
    case EACCES:
    case EPERM: return Fault::NoPermission;
    case EIO: return Fault::Io;
    default: return Fault::Other;
    }
}

V4l2Device::~V4l2Device() { close(); }

void V4l2Device::close()
{
    if (m_fd >= 0 && m_streaming) {
        int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        xioctl(m_fd, VIDIOC_STREAMOFF, &type);
    }
    m_streaming = false;
    for (const Buffer &b : m_buffers)
        if (b.start && b.start != MAP_FAILED)
            munmap(b.start, b.length);
    m_buffers.clear();
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

Error V4l2Device::failure(const char *what, int err) const
{
    QString text = qt_error_string(err);
    switch (faultOfErrno(err)) {
    case Fault::NoDevice: text += QStringLiteral(" (is the camera plugged in?)"); break;
    case Fault::Busy: text += QStringLiteral(" (another program is using the camera)"); break;
    case Fault::NoPermission: text += QStringLiteral(" (is the service's user in the group video?)"); break;
    default: break;
    }
    return {faultOfErrno(err), QStringLiteral("%1: %2: %3").arg(m_path, QLatin1String(what), text)};
}

Error V4l2Device::open(const QString &path)
{
    close();
    m_path = path;
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0)
        return failure("open", errno);
    v4l2_capability cap{};
    if (xioctl(m_fd, VIDIOC_QUERYCAP, &cap) != 0) {
        const int err = errno;
        if (err == ENOTTY || err == EINVAL)
            return {Fault::NoDevice, QStringLiteral("%1 is not a V4L2 device").arg(path)};
        return failure("VIDIOC_QUERYCAP", err);
    }
    m_card = QString::fromUtf8(reinterpret_cast<const char *>(cap.card));
    const quint32 caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE))
        return {Fault::UnsupportedFormat,
                QStringLiteral("%1 (%2) does not capture video (a single-planar capture node is needed)")
                    .arg(path, m_card)};
    if (!(caps & V4L2_CAP_STREAMING))
        return {Fault::UnsupportedFormat, QStringLiteral("%1 (%2) has no streaming I/O").arg(path, m_card)};
    return {};
}

QList<CameraMode> V4l2Device::modes(QSize extra) const
{
    QList<CameraMode> modes;
    v4l2_fmtdesc desc{};
    desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    for (desc.index = 0; desc.index < 64 && xioctl(m_fd, VIDIOC_ENUM_FMT, &desc) == 0; ++desc.index) {
        QList<QSize> sizes;
        v4l2_frmsizeenum fs{};
        fs.pixel_format = desc.pixelformat;
        for (fs.index = 0; fs.index < 256 && xioctl(m_fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; ++fs.index) {
            if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
                sizes.append(QSize(int(fs.discrete.width), int(fs.discrete.height)));
                continue;
            }
            const auto &s = fs.stepwise;
            sizes.append(QSize(int(s.min_width), int(s.min_height)));
            sizes.append(QSize(int(s.max_width), int(s.max_height)));
            const auto fits = [](int v, quint32 min, quint32 max, quint32 step) {
                return v >= int(min) && v <= int(max) && (step <= 1 || (quint32(v) - min) % step == 0);
            };
            if (!extra.isEmpty() && fits(extra.width(), s.min_width, s.max_width, s.step_width) &&
                fits(extra.height(), s.min_height, s.max_height, s.step_height))
                sizes.append(extra);
            break;
        }
        for (const QSize &size : std::as_const(sizes)) {
            CameraMode mode{desc.pixelformat, size, {}};
            mode.rates = frameRates(m_fd, desc.pixelformat, size, &mode.rateRange);
            modes.append(mode);
        }
    }
    return modes;
}

QSize V4l2Device::currentSize() const
{
    v4l2_format f{};
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(m_fd, VIDIOC_G_FMT, &f) != 0)
        return {};
    return {int(f.fmt.pix.width), int(f.fmt.pix.height)};
}

Result<V4l2Device::Format> V4l2Device::setFormat(quint32 fourcc, QSize size)
{
    v4l2_format f{};
    f.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    f.fmt.pix.pixelformat = fourcc;
    f.fmt.pix.width = quint32(size.width());
    f.fmt.pix.height = quint32(size.height());
    f.fmt.pix.field = V4L2_FIELD_NONE;
    if (xioctl(m_fd, VIDIOC_S_FMT, &f) != 0) {
        const int err = errno;
        if (err == EINVAL)
            return Error{Fault::UnsupportedFormat, QStringLiteral("%1: the driver refuses %2 %3x%4")
                                                       .arg(m_path, fourccName(fourcc))
                                                       .arg(size.width())
                                                       .arg(size.height())};
        return failure("VIDIOC_S_FMT", err);
    }
    if (f.fmt.pix.field != V4L2_FIELD_NONE && f.fmt.pix.field != V4L2_FIELD_ANY)
        return Error{Fault::UnsupportedFormat,
                     QStringLiteral("%1: the driver sends interlaced fields, not whole pictures").arg(m_path)};
    return Format{f.fmt.pix.pixelformat, QSize(int(f.fmt.pix.width), int(f.fmt.pix.height)),
                  int(f.fmt.pix.bytesperline)};
}

double V4l2Device::setFrameRate(double fps)
{
    v4l2_streamparm p{};
    p.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    p.parm.capture.timeperframe = {1000, quint32(std::lround(fps * 1000))};  // 12.5 fps is 2/25
    if (xioctl(m_fd, VIDIOC_S_PARM, &p) != 0 || !(p.parm.capture.capability & V4L2_CAP_TIMEPERFRAME))
        return 0;
    const v4l2_fract &t = p.parm.capture.timeperframe;
    return t.numerator ? double(t.denominator) / t.numerator : 0;
}

bool V4l2Device::setControl(quint32 id, qint32 value)
{
    v4l2_queryctrl q{};
    q.id = id;
    if (xioctl(m_fd, VIDIOC_QUERYCTRL, &q) != 0 || (q.flags & V4L2_CTRL_FLAG_DISABLED))
        return false;
    v4l2_control c{};
    c.id = id;
    c.value = qBound(q.minimum, value, q.maximum);
    return xioctl(m_fd, VIDIOC_S_CTRL, &c) == 0;
}

Error V4l2Device::startStreaming(int bufferCount)
{
    v4l2_requestbuffers req{};
    req.count = quint32(bufferCount);
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (xioctl(m_fd, VIDIOC_REQBUFS, &req) != 0)
        return failure("VIDIOC_REQBUFS", errno);
    if (req.count < 2)
        return {Fault::Other,
                QStringLiteral("%1: the driver gave %2 buffers, at least 2 are needed").arg(m_path).arg(req.count)};
    m_buffers.resize(req.count);
    for (quint32 i = 0; i < req.count; ++i) {
        v4l2_buffer b{};
        b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        b.memory = V4L2_MEMORY_MMAP;
        b.index = i;
        if (xioctl(m_fd, VIDIOC_QUERYBUF, &b) != 0)
            return failure("VIDIOC_QUERYBUF", errno);
        m_buffers[i].length = b.length;
        m_buffers[i].start = mmap(nullptr, b.length, PROT_READ, MAP_SHARED, m_fd, b.m.offset);
        if (m_buffers[i].start == MAP_FAILED) {
            m_buffers[i].start = nullptr;
            return failure("mmap", errno);
        }
        if (xioctl(m_fd, VIDIOC_QBUF, &b) != 0)
            return failure("VIDIOC_QBUF", errno);
    }
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (xioctl(m_fd, VIDIOC_STREAMON, &type) != 0)
        return failure("VIDIOC_STREAMON", errno);
    m_streaming = true;
    return {};
}

Result<V4l2Device::Frame> V4l2Device::dequeue(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    int r;
    do {
        r = poll(&p, 1, timeoutMs);
    } while (r < 0 && errno == EINTR);  // a signal: wait again (the caller's loop bounds the time)
    if (r < 0)
        return failure("poll", errno);
    if (r == 0)
        return Frame{};
    // POLLERR (an unplugged camera) falls through: VIDIOC_DQBUF says what happened.
    v4l2_buffer b{};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    if (xioctl(m_fd, VIDIOC_DQBUF, &b) != 0) {
        const int err = errno;
        if (err == EAGAIN)
            return Frame{};
        return failure("VIDIOC_DQBUF", err);
    }
    if (b.index >= m_buffers.size())
        return Error{
            Fault::Other,
            QStringLiteral("%1: the driver returned buffer %2 of %3").arg(m_path).arg(b.index).arg(m_buffers.size())};
    Frame f;
    f.index = int(b.index);
    f.data = static_cast<const quint8 *>(m_buffers[b.index].start);
    f.size = qMin(qsizetype(b.bytesused), qsizetype(m_buffers[b.index].length));
    f.sequence = b.sequence;
    f.key = b.flags & V4L2_BUF_FLAG_KEYFRAME;
    if ((b.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        f.monoUs = qint64(b.timestamp.tv_sec) * 1000000 + b.timestamp.tv_usec;
    if (b.flags & V4L2_BUF_FLAG_ERROR)
        f.size = 0;  // the driver says the data is broken: the caller drops it
    return f;
}

Error V4l2Device::requeue(int index)
{
    v4l2_buffer b{};
    b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b.memory = V4L2_MEMORY_MMAP;
    b.index = quint32(index);
    if (xioctl(m_fd, VIDIOC_QBUF, &b) != 0)
        return failure("VIDIOC_QBUF", errno);
    return {};
}

}  // namespace hlscam
