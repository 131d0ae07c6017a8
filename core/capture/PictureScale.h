// Scaling I420 pictures, written once for all who do it (a camera's picture fitted to the size
// that is sent, a snapshot's thumbnail): libyuv, which core links already.
#pragma once

#include "Error.h"
#include "capture/Picture.h"

#include <QRect>

namespace hlscam {

enum class ScaleFilter {
    Bilinear,  // every frame of a stream: cheap, smooth enough when the sizes are close
    Box,       // a thumbnail from a large picture: no aliasing of point sampling
};

// Scales the `from` rectangle of `in` into the `to` rectangle of `out`, which must lie inside
// their pictures (even x and y: chroma planes are half size). Fails (Fault::Other) when libyuv
// refuses the sizes.
Error scalePicture(const Picture &in, QRect from, Picture &out, QRect to, ScaleFilter filter);

// The same for the whole pictures.
inline Error scalePicture(const Picture &in, Picture &out, ScaleFilter filter)
{
    return scalePicture(in, QRect(0, 0, in.width, in.height), out, QRect(0, 0, out.width, out.height), filter);
}

}  // namespace hlscam
