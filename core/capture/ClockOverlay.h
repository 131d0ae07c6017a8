// Draws the capture wall-clock time (HH:MM:SS.mmm, local time) into a YUV 4:2:0 picture, large
// and high-contrast, so anyone can read glass-to-glass latency by holding a clock beside the
// screen. Our own 5x7 digit glyphs: no font files, no text-rendering library, no allocation.
#pragma once

#include <QtGlobal>

struct AVFrame;

namespace hlscam {

// `frame` must be writable, 8-bit planar 4:2:0 (yuv420p/yuvj420p).
void drawClock(AVFrame *frame, qint64 wallUs);

}  // namespace hlscam
