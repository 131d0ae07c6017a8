// What every fuzz target shares: the input as a QByteArray, and invariant checks that abort
// (a crash to libFuzzer, which keeps the input) with the broken rule and the input's text.
#pragma once

#include <QByteArray>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace hlscam::fuzz {

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

inline void check(bool ok, const char *rule, const QByteArray &input)
{
    if (ok)
        return;
    std::fprintf(stderr, "invariant broken: %s\ninput: %s\n", rule, input.toPercentEncoding(" =:/,-").constData());
    std::abort();
}

}  // namespace hlscam::fuzz
