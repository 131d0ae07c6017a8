// One uncompressed picture in I420 (8-bit planar YUV 4:2:0): the format libx264 and the hardware
// encoders take, and the one sources deliver. Planes are packed without padding in one shared
// buffer, so handing a picture on copies nothing.
#pragma once

#include <QByteArray>

namespace hlscam {

struct Picture {
    int width = 0;
    int height = 0;
    QByteArray data;  // Y, then U, then V

    static Picture allocate(int width, int height)
    {
        Picture p;
        p.width = width;
        p.height = height;
        p.data.resize(planeOffset(width, height, 3));
        return p;
    }
    bool isNull() const { return data.isEmpty(); }
    int stride(int plane) const { return plane == 0 ? width : (width + 1) / 2; }
    int planeHeight(int plane) const { return plane == 0 ? height : (height + 1) / 2; }
    quint8 *plane(int i) { return reinterpret_cast<quint8 *>(data.data()) + planeOffset(width, height, i); }
    const quint8 *plane(int i) const
    {
        return reinterpret_cast<const quint8 *>(data.constData()) + planeOffset(width, height, i);
    }

private:
    // Bytes before plane i (i = 3: the whole picture).
    static qsizetype planeOffset(int width, int height, int i)
    {
        const qsizetype luma = qsizetype(width) * height;
        const qsizetype chroma = qsizetype((width + 1) / 2) * ((height + 1) / 2);
        return i == 0 ? 0 : luma + (i - 1) * chroma;
    }
};

}  // namespace hlscam
