// The HTTP-01 answers an ACME order is waiting to have fetched: token -> key authorization. Written
// by AcmeClient, read by the plain-HTTP port (HttpPort); both on the main thread.
#pragma once

#include <QByteArray>
#include <QHash>

namespace hlscam {

class AcmeChallenges {
public:
    void put(const QByteArray &token, const QByteArray &keyAuthorization) { m_answers.insert(token, keyAuthorization); }
    void remove(const QByteArray &token) { m_answers.remove(token); }
    // The key authorization for `token`, or empty when none is pending.
    QByteArray answer(const QByteArray &token) const { return m_answers.value(token); }

private:
    QHash<QByteArray, QByteArray> m_answers;
};

}  // namespace hlscam
