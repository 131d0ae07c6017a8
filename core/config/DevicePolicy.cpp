#include "config/DevicePolicy.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace hlscam {

namespace {
constexpr unsigned kVideo4LinuxMajor = 81;  // Documentation/admin-guide/devices.txt

bool isInside(const QString &path, const QString &dir)
{
    // Compared after resolving links and "..": a link in the media directory pointing out of it
    // leads outside, and is refused.
    const QString file = QFileInfo(path).canonicalFilePath();
    const QString root = QFileInfo(dir).canonicalFilePath();
    return !file.isEmpty() && !root.isEmpty() && file.startsWith(root + u'/') && QFileInfo(file).isFile();
}

Error refusal(const QString &device, const QString &mediaDir)
{
    return {Fault::Config,
            QStringLiteral("'%1' is not a camera of this machine nor a media file in [paths] media_dir (%2): "
                           "allowed are auto, testpattern, rpicam, V4L2 cameras (GET /api/v1/devices lists them) "
                           "and files in media_dir")
                .arg(device.left(200), mediaDir.isEmpty() ? QStringLiteral("not set") : mediaDir)};
}

// A name udev makes for a camera (one path component under /dev/v4l/by-id or by-path): one that
// is not there now is a camera unplugged, waited for. Nothing else is taken unseen; and what
// is there must be a camera, wherever its link points.
bool isStableCameraName(const QString &path)
{
    static const QRegularExpression name(QStringLiteral("^/dev/v4l/by-(id|path)/[A-Za-z0-9][A-Za-z0-9:._+-]{0,199}$"));
    return name.match(path).hasMatch() && !path.contains(QLatin1String(".."));
}

}  // namespace

bool isVideoDevice(const QString &path)
{
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 && S_ISCHR(st.st_mode) &&
           major(st.st_rdev) == kVideo4LinuxMajor;
}

Error refuseApiDevice(const QString &device, const QString &mediaDir)
{
    if (device == QLatin1String("auto") || device == QLatin1String("testpattern") || device == QLatin1String("rpicam"))
        return {};
    // A command runs with the service's rights: an admin's password (or a hostile page that
    // holds an admin's session) must not turn into a shell on the board.
    if (device.startsWith(QLatin1String("exec:")))
        return {Fault::Config, QStringLiteral("exec: commands run with the service's rights and can only be set in the "
                                              "configuration file (or with --source), not through the API")};
    // A relative path would be resolved against the service's working directory: nobody's guess,
    // and no path of the media directory.
    if (!QDir::isAbsolutePath(device))
        return refusal(device, mediaDir);
    if (isStableCameraName(device) && !QFileInfo(device).exists() && !QFileInfo(device).isSymLink())
        return {};
    if (device.startsWith(QLatin1String("/dev/")) ? isVideoDevice(device)
                                                  : !mediaDir.isEmpty() && isInside(device, mediaDir))
        return {};
    return refusal(device, mediaDir);
}

}  // namespace hlscam
