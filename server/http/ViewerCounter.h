// How many people watch each camera: the distinct clients (address and login, or URL token) that
// fetched its playlist or media within the last few seconds. HLS has no session to count; a
// player polls at least every target duration, so a window of 10 s holds every live player and
// lets a closed tab drop out soon. Viewers behind one caching proxy count once.
#pragma once

#include "Limits.h"

#include <QByteArray>
#include <QHash>
#include <QStringList>

namespace hlscam {

class ViewerCounter {
public:
    static constexpr qint64 kWindowMs = limits::kViewerWindowMs;
    static constexpr int kMaxTrackedPerCamera = limits::kViewersTrackedPerCamera;

    explicit ViewerCounter(const QStringList &cameras);

    // A request for `camera`'s media by `client` at `nowMs`; unknown cameras are ignored.
    void seen(const QString &camera, const QByteArray &client, qint64 nowMs);
    int count(const QString &camera, qint64 nowMs);

private:
    void forgetOlderThan(QHash<QByteArray, qint64> &clients, qint64 cutoffMs);

    QHash<QString, QHash<QByteArray, qint64>> m_lastSeen;
};

}  // namespace hlscam
