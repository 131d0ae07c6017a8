#include "config/CameraOverrides.h"
#include "Limits.h"

#include "FileLock.h"
#include "StateFiles.h"
#include "config/ConfigLoader.h"
#include "config/DevicePolicy.h"

#include <QRegularExpression>
#include <QSet>

namespace hlscam {

namespace {

// The cameras of a file with a `controls` line: an older file has none, and then the config
// file's controls stand (parseConfig would give the empty default).
QSet<QString> camerasWithControls(const QByteArray &text)
{
    QSet<QString> names;
    static const QRegularExpression line(QStringLiteral("^\\s*(\\[camera\\.([^\\]]*)\\]|controls\\s*=)"),
                                         QRegularExpression::MultilineOption);
    QString section;
    for (const QRegularExpressionMatch &m : line.globalMatch(QString::fromUtf8(text))) {
        if (!m.captured(2).isEmpty())
            section = m.captured(2);
        else if (!section.isEmpty())
            names.insert(section);
    }
    return names;
}

// The cameras named in the file: parseConfig gives the defaults to keys an older file lacks.
Result<QList<CameraSettings>> readOverrides(const QString &path, QSet<QString> *withControls = nullptr)
{
    const Result<std::optional<QByteArray>> read = readStateFile(path, limits::kCameraOverridesBytes);
    if (!read.ok())
        return read.error();
    if (!read.value())
        return QList<CameraSettings>{};
    const QByteArray &text = *read.value();
    if (!text.contains("[camera."))
        return QList<CameraSettings>{};
    const ConfigResult parsed = parseConfig(text, path);
    if (!parsed.ok())
        return Error{Fault::Config, parsed.error->toString()};
    if (withControls)
        *withControls = camerasWithControls(text);
    return parsed.settings.cameras;
}

}  // namespace

QByteArray cameraSection(const CameraSettings &c)
{
    const auto dimension = [](int v) {
        return v == 0 ? QStringLiteral("auto") : QString::number(v);
    };
    QStringList controls;
    for (auto it = c.controls.cbegin(); it != c.controls.cend(); ++it)
        controls << QStringLiteral("%1=%2").arg(it.key()).arg(it.value());
    return QStringLiteral(
               "[camera.%1]\ndevice = %2\nwidth = %3\nheight = %4\nfit = %5\nformat = %6\nfps = %7\nbitrate = "
               "%8\nencoder = %9\ncontrols = %10\n")
        .arg(c.name, c.device, dimension(c.width), dimension(c.height), c.fit, c.format)
        .arg(c.fps)
        .arg(c.bitrateKbps)
        .arg(c.encoder, controls.join(u' '))
        .toUtf8();
}

Error applyCameraOverrides(const QString &path, Settings &settings, QStringList *notes)
{
    QSet<QString> withControls;
    const Result<QList<CameraSettings>> overrides = readOverrides(path, &withControls);
    if (!overrides.ok())
        return overrides.error();
    for (const CameraSettings &o : overrides.value()) {
        bool found = false;
        for (CameraSettings &c : settings.cameras) {
            if (c.name != o.name)
                continue;
            found = true;
            // The file is the service account's to write: a device in it gets the API's rules.
            const Error refusal = o.device == c.device ? Error() : refuseApiDevice(o.device, settings.paths.mediaDir);
            const QString device = c.device;
            const QMap<QString, qint64> controls = c.controls;
            c = o;
            if (!withControls.contains(o.name))
                c.controls = controls;
            if (refusal) {
                c.device = device;
                notes->append(QStringLiteral("%1: camera %2: %3; the configured device is used")
                                  .arg(path, o.name, refusal.message));
            }
        }
        if (!found)
            notes->append(
                QStringLiteral("%1: camera %2 is no longer in the configuration; its settings there are not used")
                    .arg(path, o.name));
    }
    return {};
}

Error saveCameraOverride(const QString &path, const CameraSettings &camera)
{
    FileLock lock(path);
    if (!lock.locked())
        return lock.error();
    const Result<QList<CameraSettings>> overrides = readOverrides(path);
    if (!overrides.ok())
        return overrides.error();
    QByteArray text =
        "# Camera settings changed through hlscam's admin API; they apply over the config file.\n"
        "# Remove a section to go back to the config file's settings for that camera.\n";
    bool replaced = false;
    for (const CameraSettings &o : overrides.value()) {
        const bool mine = o.name == camera.name;
        replaced = replaced || mine;
        text += '\n' + cameraSection(mine ? camera : o);
    }
    if (!replaced)
        text += '\n' + cameraSection(camera);
    return writeFileAtomically(path, text);
}

}  // namespace hlscam
