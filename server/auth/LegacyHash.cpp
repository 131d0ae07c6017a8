#include "auth/LegacyHash.h"

#include <QCryptographicHash>

namespace hlscam {

namespace {

constexpr char kItoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The crypt alphabet, 6 bits per character, least significant first.
void to64(QByteArray &out, quint32 value, int chars)
{
    while (chars-- > 0) {
        out += kItoa64[value & 0x3f];
        value >>= 6;
    }
}

quint32 byteAt(const QByteArray &b, int i) { return static_cast<unsigned char>(b.at(i)); }

}  // namespace

QByteArray apr1Crypt(const QByteArray &password, const QByteArray &setting)
{
    static const QByteArray magic = "$apr1$";
    if (!setting.startsWith(magic))
        return {};
    QByteArray salt = setting.mid(magic.size());
    if (const qsizetype end = salt.indexOf('$'); end >= 0)
        salt.truncate(end);
    salt.truncate(8);

    // The MD5-crypt construction (Kamp, 1994) with Apache's magic string.
    QCryptographicHash ctx(QCryptographicHash::Md5);
    ctx.addData(password);
    ctx.addData(magic);
    ctx.addData(salt);
    const QByteArray alternate = QCryptographicHash::hash(password + salt + password, QCryptographicHash::Md5);
    for (qsizetype left = password.size(); left > 0; left -= 16)
        ctx.addData(QByteArrayView(alternate).first(std::min<qsizetype>(16, left)));
    for (qsizetype bits = password.size(); bits > 0; bits >>= 1)
        ctx.addData((bits & 1) ? QByteArrayView("\0", 1) : QByteArrayView(password).first(1));
    QByteArray digest = ctx.result();

    for (int round = 0; round < 1000; ++round) {  // the scheme's fixed, too small, cost
        QCryptographicHash r(QCryptographicHash::Md5);
        r.addData((round & 1) ? QByteArrayView(password) : QByteArrayView(digest));
        if (round % 3)
            r.addData(salt);
        if (round % 7)
            r.addData(password);
        r.addData((round & 1) ? QByteArrayView(digest) : QByteArrayView(password));
        digest = r.result();
    }

    QByteArray out = magic + salt + '$';
    const int groups[5][3] = {{0, 6, 12}, {1, 7, 13}, {2, 8, 14}, {3, 9, 15}, {4, 10, 5}};
    for (const auto &g : groups)
        to64(out, (byteAt(digest, g[0]) << 16) | (byteAt(digest, g[1]) << 8) | byteAt(digest, g[2]), 4);
    to64(out, byteAt(digest, 11), 2);
    return out;
}

QByteArray sha1Htpasswd(const QByteArray &password)
{
    return "{SHA}" + QCryptographicHash::hash(password, QCryptographicHash::Sha1).toBase64();
}

}  // namespace hlscam
