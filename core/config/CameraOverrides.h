// Camera settings changed through the admin API (or the desktop app), kept in the state directory
// as INI [camera.NAME] sections and applied over the config file at each start and reload. The
// config file stays the owner's: under systemd it is read-only to the service (ProtectSystem=
// strict), and a package upgrade's conffile handling never meets a file the service rewrote.
#pragma once

#include "config/Settings.h"

#include <QByteArray>
#include "Error.h"

#include <QString>
#include <QStringList>

namespace hlscam {

// The [camera.NAME] section for `camera`, every key written out.
QByteArray cameraSection(const CameraSettings &camera);

// Applies the overrides in `path` (a missing file is none) to the cameras of `settings` with the
// same names; an override for a camera the config no longer has is reported in *notes and left
// out. Fails naming the file and line (Fault::Config for a mistake in it, Fault::Io when it
// cannot be read), with `settings` untouched.
Error applyCameraOverrides(const QString &path, Settings &settings, QStringList *notes);

// Records `camera` in `path` (a locked read-modify-write, written atomically); fails with Fault::Io.
Error saveCameraOverride(const QString &path, const CameraSettings &camera);

}  // namespace hlscam
