#include "ServiceSettings.h"

#include "config/CameraOverrides.h"
#include "config/ConfigLoader.h"
#include "config/StatePaths.h"

namespace hlscam {

Result<AssembledSettings> assembleSettings(const SettingsSources &sources)
{
    AssembledSettings out;
    Settings &settings = out.settings;
    if (!sources.configFile.isEmpty()) {
        const ConfigResult loaded = loadConfigFile(sources.configFile);
        if (!loaded.ok())
            return Error{Fault::Config, loaded.error->toString()};
        settings = loaded.settings;
    }
    if (sources.stateDir)
        settings.paths.stateDir = *sources.stateDir;
    // Changes made through the API, over the file; the overrides over both.
    settings.paths.cameraOverrides = cameraOverridesPath(settings);
    if (Error e = applyCameraOverrides(settings.paths.cameraOverrides, settings, &out.notes))
        return e;
    if (sources.listen) {
        if (Error e = applyListen(*sources.listen, settings.server))
            return Error{e.fault, QStringLiteral("--listen: %1").arg(e.message)};
    }
    if (sources.source) {
        if (Error e = applySource(*sources.source, settings))
            return Error{e.fault, QStringLiteral("--source: %1").arg(e.message)};
    }
    return out;
}

}  // namespace hlscam
