#include "capture/ClockOverlay.h"

#include <QDateTime>

#include <array>
#include <cstring>

namespace hlscam {

namespace {

constexpr int kGlyphW = 5, kGlyphH = 7, kCellW = kGlyphW + 1;
constexpr int kChars = 12;                                         // "HH:MM:SS.mmm"
constexpr quint8 kWhite = 235, kBlack = 16, kNeutralChroma = 128;  // video-range YUV

// One row per byte, the glyph's 5 columns in the low bits (bit 4 = leftmost).
using Glyph = std::array<quint8, kGlyphH>;
constexpr Glyph kDigits[10] = {{0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
                               {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, {0x1E, 0x01, 0x01, 0x0E, 0x01, 0x01, 0x1E},
                               {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
                               {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
                               {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}};
constexpr Glyph kColon = {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00};
constexpr Glyph kDot = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};

const Glyph &glyphFor(char c)
{
    if (c == ':')
        return kColon;
    if (c == '.')
        return kDot;
    return kDigits[c - '0'];
}

void fillRect(Picture &f, int plane, int x, int y, int w, int h, quint8 value)
{
    for (int row = y; row < y + h; ++row)
        std::memset(f.plane(plane) + qsizetype(row) * f.stride(plane) + x, value, size_t(w));
}

}  // namespace

void drawClock(Picture &frame, qint64 wallUs)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(wallUs / 1000);
    const QByteArray text = t.toString(QStringLiteral("HH:mm:ss.zzz")).toLatin1();
    if (text.size() != kChars)
        return;

    // Scale so the text takes about half the picture's width; even, for the 4:2:0 chroma grid.
    const int scale = qMax(2, (frame.width / (2 * kChars * kCellW)) & ~1);
    const int pad = 2 * scale;
    const int boxW = kChars * kCellW * scale + 2 * pad - scale;
    const int boxH = kGlyphH * scale + 2 * pad;
    if (boxW > frame.width || boxH > frame.height)
        return;  // a picture too small for the clock goes without
    const int boxX = ((frame.width - boxW) / 2) & ~1;
    const int boxY = (frame.height - boxH - boxH / 2) & ~1;

    fillRect(frame, 0, boxX, boxY, boxW, boxH, kBlack);
    fillRect(frame, 1, boxX / 2, boxY / 2, boxW / 2, boxH / 2, kNeutralChroma);
    fillRect(frame, 2, boxX / 2, boxY / 2, boxW / 2, boxH / 2, kNeutralChroma);
    for (int i = 0; i < kChars; ++i) {
        const Glyph &g = glyphFor(text[i]);
        const int cellX = boxX + pad + i * kCellW * scale;
        for (int row = 0; row < kGlyphH; ++row)
            for (int col = 0; col < kGlyphW; ++col)
                if (g[row] & (0x10 >> col))
                    fillRect(frame, 0, cellX + col * scale, boxY + pad + row * scale, scale, scale, kWhite);
    }
}

void drawTimeCode(Picture &frame, qint64 wallUs)
{
    const int block = qMax(4, (frame.width / 40) & ~1);
    if (block * kTimeCodeBlocks > frame.width || block > frame.height)
        return;
    const quint32 ms = quint32(quint64(wallUs / 1000) & 0xFFFFFFFFu);
    fillRect(frame, 1, 0, 0, block * kTimeCodeBlocks / 2, block / 2, kNeutralChroma);
    fillRect(frame, 2, 0, 0, block * kTimeCodeBlocks / 2, block / 2, kNeutralChroma);
    for (int i = 0; i < kTimeCodeBlocks; ++i) {
        const bool white = i == 0 || (i >= 2 && ((ms >> (31 - (i - 2))) & 1u));
        fillRect(frame, 0, i * block, 0, block, block, white ? kWhite : kBlack);
    }
}

}  // namespace hlscam
