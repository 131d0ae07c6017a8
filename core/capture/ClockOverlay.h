// Draws the capture wall-clock time (HH:MM:SS.mmm, local time) into a YUV 4:2:0 picture, large
// and high-contrast, so anyone can read glass-to-glass latency by holding a clock beside the
// screen. Our own 5x7 digit glyphs: no font files, no text-rendering library, no allocation.
#pragma once

#include "capture/Picture.h"

namespace hlscam {

void drawClock(Picture &frame, qint64 wallUs);

// The same time for programs: a strip of kTimeCodeBlocks square blocks along the top edge,
// each width/40 pixels (even, at least 4): white, black, then the 32 bits of the wall-clock
// milliseconds modulo 2^32, most significant first, white for 1. A reader samples the centre
// of each block of a decoded frame (bench/stamp.mjs) to get glass-to-glass latency.
constexpr int kTimeCodeBlocks = 34;
void drawTimeCode(Picture &frame, qint64 wallUs);

}  // namespace hlscam
