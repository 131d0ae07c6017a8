#include "encode/HardwarePresence.h"

#include "capture/DeviceCatalog.h"

#include <QFileInfo>

#include <dlfcn.h>

namespace hlscam {

namespace {

// The OpenMAX IL cores FFmpeg's h264_omx opens (libavcodec/omx.c): the Pi's legacy firmware
// library, then the generic names.
bool openMaxPresent()
{
    if (QFileInfo::exists(QStringLiteral("/opt/vc/lib/libopenmaxil.so")))
        return true;
    for (const char *name : {"libOMX_Core.so", "libOmxCore.so"}) {
        if (void *library = dlopen(name, RTLD_LAZY | RTLD_LOCAL)) {
            dlclose(library);
            return true;
        }
    }
    return false;
}

}  // namespace

Error missingEncoderHardware(const QString &codec, const QString &devDir)
{
    if (codec == QLatin1String("h264_v4l2m2m")) {
        if (hasH264MemoryToMemoryEncoder(devDir))
            return {};
        return {Fault::Encoder, QStringLiteral("no V4L2 memory-to-memory H.264 encoder under %1").arg(devDir)};
    }
    if (codec == QLatin1String("h264_omx")) {
        if (openMaxPresent())
            return {};
        return {Fault::Encoder, QStringLiteral("no OpenMAX IL library (/opt/vc/lib/libopenmaxil.so, libOMX_Core.so)")};
    }
    return {};
}

}  // namespace hlscam
