#include "capture/PictureScale.h"

#include <libyuv/scale.h>

namespace hlscam {

namespace {

// Where the pixel (x, y) of a plane starts (chroma planes: half the coordinates).
qsizetype offset(const Picture &p, int plane, QPoint at)
{
    const int shift = plane == 0 ? 0 : 1;
    return qsizetype(at.y() >> shift) * p.stride(plane) + (at.x() >> shift);
}

}  // namespace

Error scalePicture(const Picture &in, QRect from, Picture &out, QRect to, ScaleFilter filter)
{
    const QPoint s = from.topLeft();
    const QPoint t = to.topLeft();
    const int failed = libyuv::I420Scale(
        in.plane(0) + offset(in, 0, s), in.stride(0), in.plane(1) + offset(in, 1, s), in.stride(1),
        in.plane(2) + offset(in, 2, s), in.stride(2), from.width(), from.height(), out.plane(0) + offset(out, 0, t),
        out.stride(0), out.plane(1) + offset(out, 1, t), out.stride(1), out.plane(2) + offset(out, 2, t), out.stride(2),
        to.width(), to.height(), filter == ScaleFilter::Box ? libyuv::kFilterBox : libyuv::kFilterBilinear);
    if (failed)
        return {Fault::Other, QStringLiteral("scaling the picture to %1x%2 failed").arg(to.width()).arg(to.height())};
    return {};
}

}  // namespace hlscam
