#include "http/ViewerCounter.h"

namespace hlscam {

ViewerCounter::ViewerCounter(const QStringList &cameras)
{
    for (const QString &c : cameras)
        m_lastSeen.insert(c, {});
}

void ViewerCounter::seen(const QString &camera, const QByteArray &client, qint64 nowMs)
{
    auto it = m_lastSeen.find(camera);
    if (it == m_lastSeen.end())
        return;
    if (it->size() >= kMaxTrackedPerCamera && !it->contains(client)) {
        forgetOlderThan(*it, nowMs - kWindowMs);
        if (it->size() >= kMaxTrackedPerCamera)
            return;  // a flood of new clients is not worth memory; the count saturates
    }
    it->insert(client, nowMs);
}

int ViewerCounter::count(const QString &camera, qint64 nowMs)
{
    auto it = m_lastSeen.find(camera);
    if (it == m_lastSeen.end())
        return 0;
    forgetOlderThan(*it, nowMs - kWindowMs);
    return int(it->size());
}

void ViewerCounter::forgetOlderThan(QHash<QByteArray, qint64> &clients, qint64 cutoffMs)
{
    clients.removeIf([cutoffMs](const QHash<QByteArray, qint64>::iterator &e) { return e.value() < cutoffMs; });
}

}  // namespace hlscam
