// Finds and loads the FFmpeg module once per process, on first use. Where it looks, in order:
// the file named by HLSCAM_FFMPEG_MODULE, next to the executable (the build tree), and the
// install location relative to it (../lib/hlscam/ from bin/).
#pragma once

#include "plugin/FfmpegBackend.h"

namespace hlscam {

// The backend, or what is missing and how to get it (Fault::ModuleMissing).
Result<FfmpegBackend *> ffmpegBackend();

// The file names tried, in order (for messages and tests).
QStringList ffmpegModuleCandidates();

}  // namespace hlscam
