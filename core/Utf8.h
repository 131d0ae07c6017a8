// Decoding text that must be UTF-8 (user names, camera names in tokens) without repair:
// QString::fromUtf8 replaces bad bytes with U+FFFD, so two different byte strings would become
// one name. A byte order mark is kept as a character, not dropped.
#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringDecoder>
#include <optional>

namespace hlscam {

inline std::optional<QString> fromStrictUtf8(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8,
                           QStringConverter::Flag::Stateless | QStringConverter::Flag::ConvertInitialBom);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

}  // namespace hlscam
