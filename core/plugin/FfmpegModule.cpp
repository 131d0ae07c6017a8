#include "plugin/FfmpegModule.h"

#include "Logging.h"

#include <QFileInfo>
#include <QStringList>

#include <dlfcn.h>

namespace hlscam {

namespace {

constexpr char kModuleFile[] = "hlscam_ffmpeg.so";

QString executableDir()
{
    // /proc/self/exe: right whatever the current directory, and without a QCoreApplication.
    return QFileInfo(QFileInfo(QStringLiteral("/proc/self/exe")).symLinkTarget()).absolutePath();
}

struct Loaded {
    FfmpegBackend *backend = nullptr;
    QString error;
};

Loaded load()
{
    QStringList tried;
    for (const QString &path : ffmpegModuleCandidates()) {
        if (!QFileInfo::exists(path)) {
            tried << path;
            continue;
        }
        // Never closed: sources and encoders from it live until the process ends.
        void *library = dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            // Present but unloadable: usually an FFmpeg library it links is not installed.
            return {nullptr, QStringLiteral("cannot load the FFmpeg module %1: %2 (install FFmpeg's "
                                            "libraries: libavformat, libavcodec, libavdevice, libswscale)")
                                 .arg(path, QString::fromLocal8Bit(dlerror()))};
        }
        auto entry = reinterpret_cast<FfmpegBackendEntry>(dlsym(library, kFfmpegBackendEntry));
        FfmpegBackend *backend = entry ? entry(kFfmpegBackendAbi) : nullptr;
        if (!backend)
            return {nullptr, QStringLiteral("the FFmpeg module %1 does not belong to this hlscam %2 "
                                            "(reinstall the package)")
                                 .arg(path, QStringLiteral(HLSCAM_VERSION))};
        qCInfo(lcCapture).noquote() << "loaded the FFmpeg module" << path;
        return {backend, {}};
    }
    return {nullptr, QStringLiteral("files, hardware encoders and snapshots of H.264 cameras need the FFmpeg module, "
                                    "which is not installed (looked for %1)")
                         .arg(tried.join(QStringLiteral(", ")))};
}

}  // namespace

QStringList ffmpegModuleCandidates()
{
    QStringList paths;
    if (const QString env = qEnvironmentVariable("HLSCAM_FFMPEG_MODULE"); !env.isEmpty())
        paths << env;
    const QString dir = executableDir();
    paths << dir + u'/' + QLatin1String(kModuleFile);
    paths << QFileInfo(dir + QStringLiteral("/../" HLSCAM_MODULE_DIR "/") + QLatin1String(kModuleFile))
                 .absoluteFilePath();
    return paths;
}

Result<FfmpegBackend *> ffmpegBackend()
{
    static const Loaded loaded = load();  // thread-safe once; pipelines may ask at the same time
    if (!loaded.backend)
        return Error{Fault::ModuleMissing, loaded.error};
    return loaded.backend;
}

}  // namespace hlscam
