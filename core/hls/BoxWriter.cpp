#include "hls/BoxWriter.h"

namespace hlscam {

void BoxWriter::u16(quint32 v)
{
    u8(v >> 8);
    u8(v);
}

void BoxWriter::u24(quint32 v)
{
    u8(v >> 16);
    u16(v);
}

void BoxWriter::u32(quint32 v)
{
    u16(v >> 16);
    u16(v);
}

void BoxWriter::u64(quint64 v)
{
    u32(quint32(v >> 32));
    u32(quint32(v));
}

void BoxWriter::patchU32(qsizetype at, quint32 v)
{
    char *p = m_out.data() + at;
    p[0] = char(v >> 24);
    p[1] = char(v >> 16);
    p[2] = char(v >> 8);
    p[3] = char(v);
}

BoxWriter::Box::Box(BoxWriter &w, const char (&type)[5])
    : m_w(w),
      m_start(w.size())
{
    m_w.u32(0);  // the size, patched when the box closes
    m_w.fourcc(type);
}

BoxWriter::Box::Box(BoxWriter &w, const char (&type)[5], quint8 version, quint32 flags)
    : Box(w, type)
{
    m_w.u8(version);
    m_w.u24(flags);
}

BoxWriter::Box::~Box() { m_w.patchU32(m_start, quint32(m_w.size() - m_start)); }

}  // namespace hlscam
