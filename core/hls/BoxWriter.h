// Appends ISO BMFF (MP4) boxes to a byte array: big-endian fields, and box sizes filled in when
// a box closes, so nested boxes are written in one pass without computing sizes up front.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace hlscam {

class BoxWriter {
public:
    explicit BoxWriter(QByteArray &out)
        : m_out(out)
    {}

    void u8(quint32 v) { m_out.append(char(v & 0xff)); }
    void u16(quint32 v);
    void u24(quint32 v);
    void u32(quint32 v);
    void u64(quint64 v);
    void fourcc(const char (&type)[5]) { m_out.append(type, 4); }
    void bytes(QByteArrayView data) { m_out.append(data.data(), data.size()); }
    void zeros(qsizetype n) { m_out.append(n, '\0'); }
    qsizetype size() const { return m_out.size(); }
    // Patches a u32 written earlier (a data offset known only once the box is complete).
    void patchU32(qsizetype at, quint32 v);

    // A box from its constructor to its destructor; FullBox adds version and flags.
    class Box {
    public:
        Box(BoxWriter &w, const char (&type)[5]);
        Box(BoxWriter &w, const char (&type)[5], quint8 version, quint32 flags);
        ~Box();
        Box(const Box &) = delete;
        Box &operator=(const Box &) = delete;

    private:
        BoxWriter &m_w;
        qsizetype m_start;
    };

private:
    QByteArray &m_out;
};

}  // namespace hlscam
