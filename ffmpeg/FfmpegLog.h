// Routes FFmpeg's own log into the hlscam.ffmpeg logging category (debug level: our messages say
// what matters), and keeps each thread's last FFmpeg error so an error we report can quote it.
#pragma once

#include <QString>

namespace hlscam::ff {

void installLogging();  // once per process; later calls do nothing
// The first warning or error FFmpeg logged on this thread since clearLastError().
QString lastError();
void clearLastError();

}  // namespace hlscam::ff
