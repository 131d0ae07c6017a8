// Encodes an I420 picture as a JPEG with libjpeg-turbo, scaled down first with libyuv when asked.
// Pure and thread-safe: called on the JPEG feeds' worker threads, never on the HTTP thread.
#pragma once

#include "Error.h"
#include "capture/Picture.h"

#include <QByteArray>

namespace hlscam {

constexpr int kDefaultJpegQuality = 80;

struct JpegSize {
    int width = 0;
    int height = 0;
};

// The size a picture of `source` is sent at for a requested width: `width` (16 up to the
// source's, made even), the height keeping the aspect; 0 or the source's width: unscaled.
JpegSize scaledSize(JpegSize source, int width);

// `width`: as scaledSize(); `quality` 1 to 100.
Result<QByteArray> encodeJpeg(const Picture &picture, int width, int quality);

}  // namespace hlscam
