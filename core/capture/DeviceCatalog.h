// The V4L2 capture devices of this machine, their formats and frame sizes (`hlscam devices`, and
// the camera that device = auto picks). Thin direct ioctls: nothing here streams.
#pragma once

#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

namespace hlscam {

struct DeviceFormat {
    QString fourcc;       // "H264", "MJPG", "YUYV", ...
    QString description;  // the driver's words
    QList<QSize> sizes;   // discrete sizes; for stepwise ranges, the smallest and largest
};

struct DeviceInfo {
    QString path;  // /dev/videoN
    // The names udev links to it under /dev/v4l/by-id and by-path: a camera named by one is found
    // again when it comes back as another /dev/videoN (by-id: the same camera on any port;
    // by-path: whatever camera is on that port).
    QStringList stableNames;
    QString card;  // "HD Pro Webcam C920"
    QString driver;
    QString bus;
    QList<DeviceFormat> formats;
};

// Devices under devDir named video* that can capture video (encoder/decoder nodes are skipped).
QList<DeviceInfo> listCaptureDevices(const QString &devDir = QStringLiteral("/dev"));

// Whether a V4L2 memory-to-memory device under devDir encodes to H.264 (the Pi's /dev/video11),
// what FFmpeg's h264_v4l2m2m needs.
bool hasH264MemoryToMemoryEncoder(const QString &devDir = QStringLiteral("/dev"));

}  // namespace hlscam
