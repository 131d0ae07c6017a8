#include "capture/DeviceCatalog.h"
#include "v4l2/Ioctl.h"

#include <QDir>
#include <QFileInfo>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace hlscam {

namespace {

QString fourccText(quint32 f)
{
    QString s;
    for (int i = 0; i < 4; ++i)
        s += QChar(char((f >> (8 * i)) & 0xff));
    return s.trimmed();
}

QList<QSize> frameSizes(int fd, quint32 pixelFormat)
{
    QList<QSize> sizes;
    v4l2_frmsizeenum fs{};
    fs.pixel_format = pixelFormat;
    for (fs.index = 0; xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; ++fs.index) {
        if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
            sizes.append(QSize(int(fs.discrete.width), int(fs.discrete.height)));
        } else {
            sizes.append(QSize(int(fs.stepwise.min_width), int(fs.stepwise.min_height)));
            sizes.append(QSize(int(fs.stepwise.max_width), int(fs.stepwise.max_height)));
            break;
        }
    }
    return sizes;
}

QStringList videoNodes(const QDir &dir)
{
    QStringList names = dir.entryList({QStringLiteral("video*")}, QDir::System | QDir::Files);
    std::sort(names.begin(), names.end(),
              [](const QString &a, const QString &b) { return a.mid(5).toInt() < b.mid(5).toInt(); });
    return names;
}

// An encoder's capture queue is where the encoded stream comes out.
bool capturesH264(int fd)
{
    for (const auto type : {V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, V4L2_BUF_TYPE_VIDEO_CAPTURE}) {
        v4l2_fmtdesc desc{};
        desc.type = type;
        for (desc.index = 0; xioctl(fd, VIDIOC_ENUM_FMT, &desc) == 0; ++desc.index)
            if (desc.pixelformat == V4L2_PIX_FMT_H264)
                return true;
    }
    return false;
}

// The links under devDir/v4l/by-id and by-path that lead to `node`.
QStringList stableNamesOf(const QString &devDir, const QString &node)
{
    QStringList names;
    const QString target = QFileInfo(node).canonicalFilePath();
    for (const char *kind : {"by-id", "by-path"}) {
        const QDir dir(devDir + QStringLiteral("/v4l/") + QLatin1String(kind));
        for (const QFileInfo &link : dir.entryInfoList(QDir::System | QDir::Files | QDir::NoDotAndDotDot, QDir::Name))
            if (link.isSymLink() && link.canonicalFilePath() == target)
                names << link.absoluteFilePath();
    }
    return names;
}

}  // namespace

bool hasH264MemoryToMemoryEncoder(const QString &devDir)
{
    const QDir dir(devDir);
    for (const QString &name : videoNodes(dir)) {
        const int fd = ::open(dir.filePath(name).toLocal8Bit().constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        v4l2_capability cap{};
        bool found = false;
        if (xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
            const quint32 caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
            found = (caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE)) && capturesH264(fd);
        }
        ::close(fd);
        if (found)
            return true;
    }
    return false;
}

QList<DeviceInfo> listCaptureDevices(const QString &devDir)
{
    QList<DeviceInfo> devices;
    QDir dir(devDir);
    for (const QString &name : videoNodes(dir)) {
        const QString path = dir.filePath(name);
        const int fd = ::open(path.toLocal8Bit().constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        v4l2_capability cap{};
        if (xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
            const quint32 caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
            // Capture only: memory-to-memory nodes (the Pi's encoder at /dev/video11) are not cameras.
            if ((caps & V4L2_CAP_VIDEO_CAPTURE) && !(caps & V4L2_CAP_VIDEO_M2M)) {
                DeviceInfo info;
                info.path = path;
                info.stableNames = stableNamesOf(devDir, path);
                info.card = QString::fromUtf8(reinterpret_cast<const char *>(cap.card));
                info.driver = QString::fromUtf8(reinterpret_cast<const char *>(cap.driver));
                info.bus = QString::fromUtf8(reinterpret_cast<const char *>(cap.bus_info));
                v4l2_fmtdesc fd_desc{};
                fd_desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
                for (fd_desc.index = 0; xioctl(fd, VIDIOC_ENUM_FMT, &fd_desc) == 0; ++fd_desc.index) {
                    info.formats.append({fourccText(fd_desc.pixelformat),
                                         QString::fromUtf8(reinterpret_cast<const char *>(fd_desc.description)),
                                         frameSizes(fd, fd_desc.pixelformat)});
                }
                devices.append(info);
            }
        }
        ::close(fd);
    }
    return devices;
}

}  // namespace hlscam
