#include "config/CameraOverrides.h"

#include "FileLock.h"
#include "StateFiles.h"
#include "config/ConfigLoader.h"
#include "config/DevicePolicy.h"

namespace hlscam {

namespace {

// The cameras named in the file: parseConfig gives the defaults to keys an older file lacks.
std::optional<QList<CameraSettings>> readOverrides(const QString &path, QString *error)
{
    const StateFileRead read = readStateFile(path, qint64{1024} * 1024);
    if (read.status == StateFileRead::Status::Missing)
        return QList<CameraSettings>{};
    if (read.status == StateFileRead::Status::Failed) {
        *error = read.error;
        return std::nullopt;
    }
    const QByteArray &text = read.data;
    if (!text.contains("[camera."))
        return QList<CameraSettings>{};
    const ConfigResult parsed = parseConfig(text, path);
    if (!parsed.ok()) {
        *error = parsed.error->toString();
        return std::nullopt;
    }
    return parsed.settings.cameras;
}

}  // namespace

QByteArray cameraSection(const CameraSettings &c)
{
    return QStringLiteral("[camera.%1]\ndevice = %2\nwidth = %3\nheight = %4\nfps = %5\nbitrate = %6\nencoder = %7\n")
        .arg(c.name, c.device)
        .arg(c.width)
        .arg(c.height)
        .arg(c.fps)
        .arg(c.bitrateKbps)
        .arg(c.encoder)
        .toUtf8();
}

QString applyCameraOverrides(const QString &path, Settings &settings, QStringList *notes)
{
    QString error;
    const std::optional<QList<CameraSettings>> overrides = readOverrides(path, &error);
    if (!overrides)
        return error;
    for (const CameraSettings &o : *overrides) {
        bool found = false;
        for (CameraSettings &c : settings.cameras) {
            if (c.name != o.name)
                continue;
            found = true;
            // The file is the service account's to write: a device in it gets the API's rules.
            const QString refusal =
                o.device == c.device ? QString() : refuseApiDevice(o.device, settings.paths.mediaDir);
            const QString device = c.device;
            c = o;
            if (!refusal.isEmpty()) {
                c.device = device;
                notes->append(
                    QStringLiteral("%1: camera %2: %3; the configured device is used").arg(path, o.name, refusal));
            }
        }
        if (!found)
            notes->append(
                QStringLiteral("%1: camera %2 is no longer in the configuration; its settings there are not used")
                    .arg(path, o.name));
    }
    return {};
}

QString saveCameraOverride(const QString &path, const CameraSettings &camera)
{
    FileLock lock(path);
    if (!lock.error().isEmpty())
        return lock.error();
    QString error;
    std::optional<QList<CameraSettings>> overrides = readOverrides(path, &error);
    if (!overrides)
        return error;
    QByteArray text =
        "# Camera settings changed through hlscam's admin API; they apply over the config file.\n"
        "# Remove a section to go back to the config file's settings for that camera.\n";
    bool replaced = false;
    for (const CameraSettings &o : std::as_const(*overrides)) {
        const bool mine = o.name == camera.name;
        replaced = replaced || mine;
        text += '\n' + cameraSection(mine ? camera : o);
    }
    if (!replaced)
        text += '\n' + cameraSection(camera);
    return writeFileAtomically(path, text);
}

}  // namespace hlscam
