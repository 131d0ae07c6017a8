// Serves the cameras' playlists and media from their SegmentStores. A playlist asked for before
// the first segment exists is held (not refused) until it does, so a player starts as early as
// possible; held requests are answered from the event loop, never by a waiting thread.
#pragma once

#include "config/Settings.h"
#include "http/MediaPath.h"
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

class Pipeline;

// One request for a camera's media, already authenticated.
struct MediaRequest {
    MediaPath path;
    QUrlQuery query;      // the request's query (LL-HLS parameters live here)
    QByteArray uriQuery;  // carried on every URI a playlist lists (e.g. "?token=..."), or empty
    bool headOnly = false;
};

class MediaRoutes : public QObject {
    Q_OBJECT
public:
    MediaRoutes(const QList<Pipeline *> &pipelines, const HlsSettings &hls, QObject *parent = nullptr);

    // Answers now, or keeps the responder and answers later.
    void handle(const MediaRequest &request, QHttpServerResponder &&responder, QTcpSocket *socket);

private:
    struct Held {
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        Pipeline *pipeline;
        MediaRequest request;
        QDeadlineTimer deadline;
    };

    Response playlist(Pipeline *pipeline, const MediaRequest &request) const;
    bool hasSegments(Pipeline *pipeline) const;
    void answerHeld();

    QHash<QString, Pipeline *> m_pipelines;
    HlsSettings m_hls;
    std::list<Held> m_held;
    QTimer m_expiry;
};

}  // namespace hlscam
