// Serves the cameras' playlists and media from their SegmentStores. Some requests are held (not
// refused) until what they ask for exists: a playlist before the first segment (so a player
// starts as early as possible), a blocking playlist reload (_HLS_msn/_HLS_part), and the part
// the playlist hints at next. Held requests are answered from the event loop when the store
// changes, never by a waiting thread, and their number and wait are bounded.
#pragma once

#include "config/Settings.h"
#include "http/LowLatencyQuery.h"
#include "http/MediaPath.h"
#include "http/Readiness.h"
#include "http/Response.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <list>

namespace hlscam {

class Camera;

// One request for a camera's media, already authenticated.
struct MediaRequest {
    MediaPath path;
    QUrlQuery query;      // the request's query (LL-HLS parameters live here)
    QByteArray uriQuery;  // carried on every URI a playlist lists (e.g. "?token=..."), or empty
    bool headOnly = false;
    QByteArray range;  // the Range header (bounded, empty when absent), applied to media only
};

class MediaRoutes : public QObject {
    Q_OBJECT
public:
    // `maxHeld`: requests held at once, in all ([server] max_held_requests); past it, 503.
    MediaRoutes(const QList<Camera *> &cameras, const HlsSettings &hls, int maxHeld, QObject *parent = nullptr);

    // Answers now, or keeps the responder and answers later.
    void handle(const MediaRequest &request, QHttpServerResponder &&responder, QTcpSocket *socket);

private:
    struct Held {
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        Camera *camera;
        MediaRequest request;
        LowLatencyQuery lowLatency;  // for playlists
        QDeadlineTimer deadline;
    };

    Response playlist(Camera *camera, const MediaRequest &request, const LowLatencyQuery &ll) const;
    Readiness readiness(const Held &held) const;
    Response answerFor(const Held &held, Readiness readiness) const;
    void hold(Held &&held);
    void answerHeld();

    QHash<QString, Camera *> m_cameras;
    HlsSettings m_hls;
    int m_maxHeld;
    std::list<Held> m_held;
    QTimer m_expiry;
};

}  // namespace hlscam
