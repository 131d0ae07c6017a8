// The users file (htpasswd format with role and cameras comments): whatever it accepts has valid names and
// hashes, and writing the result back and reading it again gives the same users.
#include "FuzzCheck.h"
#include "auth/PasswordHash.h"
#include "auth/UsersFile.h"

#include <QSet>

using namespace hlscam;
using namespace hlscam::fuzz;

namespace {
bool sameUsers(const QList<User> &a, const QList<User> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].hash != b[i].hash || a[i].role != b[i].role || a[i].cameras != b[i].cameras)
            return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = bytes(data, size);
    const QString fileName = QStringLiteral("users");
    const UsersParseResult parsed = parseUsers(input, fileName);
    QSet<QString> names;
    for (const User &u : parsed.users) {
        check(!checkUserName(u.name), "an accepted user name is valid", input);
        check(!names.contains(u.name), "user names are unique", input);
        names.insert(u.name);
        check(!u.hash.isEmpty() && schemeOf(u.hash) != HashScheme::Unsupported, "an accepted hash is usable", input);
    }
    for (const QString &e : parsed.errors)
        check(e.startsWith(fileName + u':'), "an error names the file", input);

    const QByteArray written = serializeUsers(parsed.users, parsed.lines);
    const UsersParseResult again = parseUsers(written, fileName);
    check(sameUsers(again.users, parsed.users), "written back and read again: the same users", input);
    check(serializeUsers(again.users, again.lines) == written, "writing is stable", input);
    return 0;
}
