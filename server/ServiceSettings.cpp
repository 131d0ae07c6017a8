#include "ServiceSettings.h"

#include "config/CameraOverrides.h"
#include "config/ConfigLoader.h"
#include "config/StatePaths.h"

namespace hlscam {

AssembledSettings assembleSettings(const SettingsSources &sources)
{
    AssembledSettings out;
    Settings settings;
    if (!sources.configFile.isEmpty()) {
        const ConfigResult loaded = loadConfigFile(sources.configFile);
        if (!loaded.ok()) {
            out.error = loaded.error->toString();
            return out;
        }
        settings = loaded.settings;
    }
    if (sources.stateDir)
        settings.paths.stateDir = *sources.stateDir;
    // Changes made through the API, over the file; the overrides over both.
    settings.paths.cameraOverrides = cameraOverridesPath(settings);
    if (QString e = applyCameraOverrides(settings.paths.cameraOverrides, settings, &out.notes); !e.isEmpty()) {
        out.error = e;
        return out;
    }
    if (sources.listen) {
        if (QString e = applyListen(*sources.listen, settings.server); !e.isEmpty()) {
            out.error = QStringLiteral("--listen: %1").arg(e);
            return out;
        }
    }
    if (sources.source) {
        if (QString e = applySource(*sources.source, settings); !e.isEmpty()) {
            out.error = QStringLiteral("--source: %1").arg(e);
            return out;
        }
    }
    out.settings = settings;
    return out;
}

}  // namespace hlscam
