#include "http/Metrics.h"

namespace hlscam {

Metrics &Metrics::instance()
{
    static Metrics metrics;
    return metrics;
}

void Metrics::answered(const char *route, int status, qint64 bodyBytes)
{
    ++m_answers[{QByteArrayView(route), status}];
    m_bytes[QByteArrayView(route)] += quint64(qMax<qint64>(0, bodyBytes));
}

void Metrics::authFailure(const QByteArray &reason) { ++m_authFailures[reason]; }

QByteArray promLabel(const QByteArray &value)
{
    QByteArray out = value;
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

QByteArray Metrics::render() const
{
    QByteArray out =
        "# HELP hlscam_http_responses_total HTTP answers sent, by route and status.\n"
        "# TYPE hlscam_http_responses_total counter\n";
    for (auto it = m_answers.cbegin(); it != m_answers.cend(); ++it)
        out += "hlscam_http_responses_total{route=\"" + promLabel(it.key().first.toByteArray()) + "\",status=\"" +
               QByteArray::number(it.key().second) + "\"} " + QByteArray::number(it.value()) + '\n';
    out +=
        "# HELP hlscam_http_response_bytes_total Bytes of answer bodies sent, by route.\n"
        "# TYPE hlscam_http_response_bytes_total counter\n";
    for (auto it = m_bytes.cbegin(); it != m_bytes.cend(); ++it)
        out += "hlscam_http_response_bytes_total{route=\"" + promLabel(it.key().toByteArray()) + "\"} " +
               QByteArray::number(it.value()) + '\n';
    out +=
        "# HELP hlscam_auth_failures_total Failed logins and bad tokens, by reason.\n"
        "# TYPE hlscam_auth_failures_total counter\n";
    for (auto it = m_authFailures.cbegin(); it != m_authFailures.cend(); ++it)
        out += "hlscam_auth_failures_total{reason=\"" + promLabel(it.key()) + "\"} " + QByteArray::number(it.value()) +
               '\n';
    return out;
}

}  // namespace hlscam
