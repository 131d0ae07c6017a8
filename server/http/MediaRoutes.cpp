#include "http/MediaRoutes.h"

#include "hls/PlaylistWriter.h"
#include "pipeline/Pipeline.h"

namespace hlscam {

namespace {
// How long a playlist request may wait for the first segment before it gets a 503.
constexpr int kFirstSegmentWaitMs = 10000;
constexpr int kMaxHeld = 256;  // bounded: a flood of early requests cannot grow memory

// Media never change under a URL (the sequence numbers start from the clock at each start), so
// browsers may keep them; without `public`, shared caches skip authenticated answers.
Response media(const QByteArray &data, const QByteArray &type, bool immutable)
{
    return Response::content(type, data, immutable ? "max-age=3600, immutable" : "no-cache");
}

Response notFound() { return Response::text(Status::NotFound, "not found"); }
}  // namespace

MediaRoutes::MediaRoutes(const QList<Pipeline *> &pipelines, const HlsSettings &hls, QObject *parent)
    : QObject(parent), m_hls(hls)
{
    for (Pipeline *p : pipelines) {
        m_pipelines.insert(p->name(), p);
        connect(p->store(), &SegmentStore::changed, this, &MediaRoutes::answerHeld,
                Qt::QueuedConnection);
    }
    m_expiry.setInterval(500);
    connect(&m_expiry, &QTimer::timeout, this, &MediaRoutes::answerHeld);
}

bool MediaRoutes::hasSegments(Pipeline *pipeline) const
{
    const StoreSnapshot s = pipeline->store()->snapshot();
    for (const Segment &seg : s.segments)
        if (seg.complete)
            return true;
    return false;
}

Response MediaRoutes::playlist(Pipeline *pipeline, const MediaRequest &request) const
{
    PlaylistOptions options;
    options.uriQuery = request.uriQuery;
    options.windowSegments = m_hls.windowSegments;
    options.targetDurationMs = m_hls.segmentMs;
    return Response::content("application/vnd.apple.mpegurl",
                             writePlaylist(pipeline->store()->snapshot(), options), "no-cache");
}

void MediaRoutes::handle(const MediaRequest &request, QHttpServerResponder &&responder,
                         QTcpSocket *socket)
{
    const MediaPath &path = request.path;
    const bool headOnly = request.headOnly;
    Pipeline *pipeline = m_pipelines.value(path.camera);
    if (!pipeline) {
        send(responder, notFound(), headOnly);
        return;
    }
    const SegmentStore *store = pipeline->store();
    std::optional<QByteArray> data;
    switch (path.kind) {
    case MediaPath::Kind::Playlist:
        if (hasSegments(pipeline)) {
            send(responder, playlist(pipeline, request), headOnly);
        } else if (m_held.size() >= kMaxHeld) {
            send(responder, Response::text(Status::ServiceUnavailable, "camera starting").header("Retry-After", "1"), headOnly);
        } else {
            m_held.push_back({std::move(responder), socket, pipeline, request,
                              QDeadlineTimer(kFirstSegmentWaitMs)});
            m_expiry.start();
        }
        return;
    case MediaPath::Kind::LatestInit:
        data = store->latestInit();
        send(responder, data ? media(*data, "video/mp4", false) : notFound(), headOnly);
        return;
    case MediaPath::Kind::Init:
        data = store->init(path.number);
        send(responder, data ? media(*data, "video/mp4", true) : notFound(), headOnly);
        return;
    case MediaPath::Kind::Segment:
        data = store->segment(path.number);
        send(responder, data ? media(*data, "video/iso.segment", true) : notFound(), headOnly);
        return;
    case MediaPath::Kind::Part:
        data = store->part(path.number, path.part);
        send(responder, data ? media(*data, "video/iso.segment", true) : notFound(), headOnly);
        return;
    case MediaPath::Kind::Invalid:
        break;
    }
    send(responder, notFound(), headOnly);
}

void MediaRoutes::answerHeld()
{
    for (auto it = m_held.begin(); it != m_held.end();) {
        if (!it->socket || it->socket->state() != QAbstractSocket::ConnectedState) {
            it = m_held.erase(it);  // the viewer left; its socket may already be gone
        } else if (hasSegments(it->pipeline)) {
            send(it->responder, playlist(it->pipeline, it->request), it->request.headOnly);
            it = m_held.erase(it);
        } else if (it->deadline.hasExpired()) {
            send(it->responder,
                 Response::text(Status::ServiceUnavailable, "camera not streaming yet").header("Retry-After", "1"),
                 it->request.headOnly);
            it = m_held.erase(it);
        } else {
            ++it;
        }
    }
    if (m_held.empty())
        m_expiry.stop();
}

}  // namespace hlscam
