// Counters for GET /metrics (Prometheus text format): HTTP answers by route and status and the
// bytes they carried, authentication failures by reason. One registry for the process, used on
// the main thread only (where every answer is sent). Gauges (viewers, connections, pipelines)
// are read from their owners when the page is made (see MetricsPage).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QMap>
#include <QPair>

namespace hlscam {

class Metrics {
public:
    static Metrics &instance();

    // `route` is a string literal (kept by reference: no allocation per answer).
    void answered(const char *route, int status, qint64 bodyBytes);
    void authFailure(const QByteArray &reason);
    // These counters in Prometheus text format.
    QByteArray render() const;

private:
    QMap<QPair<QByteArrayView, int>, quint64> m_answers;
    QMap<QByteArrayView, quint64> m_bytes;
    QMap<QByteArray, quint64> m_authFailures;
};

// A Prometheus label value: backslash, quote and newline escaped.
QByteArray promLabel(const QByteArray &value);

}  // namespace hlscam
