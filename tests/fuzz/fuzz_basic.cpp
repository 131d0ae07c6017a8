// The Authorization header's Basic credentials, decoded as the authenticator does: what it
// accepts is exactly the bytes the client sent (nothing replaced or cut), and encodes back.
#include "FuzzCheck.h"
#include "auth/BasicCredentials.h"

using namespace hlscam;
using namespace hlscam::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const std::optional<BasicCredentials> c = decodeBasic(input);
    if (!c)
        return 0;
    check(!c->name.isEmpty() && !c->name.contains(u':'), "a name is not empty and has no ':'", input);
    check(!c->password.contains('\0'), "a password has no NUL", input);
    check(c->name.toUtf8().size() + 1 + c->password.size() <= kMaxBasicCredentials, "bounded", input);
    const qsizetype space = input.indexOf(' ');
    const auto sent = QByteArray::fromBase64Encoding(input.mid(space + 1).trimmed());
    check(sent.decoded == c->name.toUtf8() + ':' + c->password, "decoded losslessly", input);
    const std::optional<BasicCredentials> again = decodeBasic(encodeBasic(*c));
    check(again && again->name == c->name && again->password == c->password, "encodes back", input);
    return 0;
}
