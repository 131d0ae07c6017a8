// GET/HEAD /cam/<name>/snapshot.jpg and /cam/<name>/stream.mjpg, already authenticated exactly
// like the playlist (Basic or the camera's URL token; failures count toward bans).
//   snapshot.jpg[?width=W][&quality=Q]: the newest picture as JPEG; W from 16 to the camera's
//     width (the height keeps the aspect), Q from 1 to 100 (80).
//   stream.mjpg[?fps=F]: multipart/x-mixed-replace at the camera's rate, or F (lower only).
#pragma once

#include "jpeg/JpegCounters.h"

#include <QHash>
#include <QHttpServerResponder>
#include <QObject>
#include <QTcpSocket>
#include <QUrlQuery>

namespace hlscam {

class Camera;
class JpegFeed;
class MjpegStreams;

class JpegRoutes : public QObject {
    Q_OBJECT
public:
    JpegRoutes(const QList<Camera *> &cameras, QObject *parent = nullptr);

    // Answers now or once the JPEG is made.
    void snapshot(const QString &camera, const QUrlQuery &query, bool headOnly, QHttpServerResponder &&responder,
                  QTcpSocket *socket);
    // Answers, or starts streaming: true when `socket` now carries a stream that lasts until it
    // closes (its connection is then neither finished nor idle while nothing is sent).
    bool mjpeg(const QString &camera, const QUrlQuery &query, bool headOnly, QHttpServerResponder &&responder,
               QTcpSocket *socket);

    JpegCounters counters(const QString &camera) const;

private:
    QHash<QString, JpegFeed *> m_feeds;
    MjpegStreams *m_streams;
    QHash<QString, JpegCounters> m_snapshots;  // snapshot counters by camera
};

}  // namespace hlscam
