// The cameras' stream.mjpg (multipart/x-mixed-replace): every watcher of a camera is sent the
// same JPEG of each frame, encoded once (by the camera's JpegFeed) and only while someone
// watches. A watcher whose socket still holds an unsent frame is skipped, not queued: a slow or
// stalled reader costs at most one frame of memory and never slows the others. A camera whose
// H.264 is passed through has only its key frames to show: each is sent once.
#pragma once

#include "jpeg/JpegCounters.h"
#include "jpeg/JpegFeed.h"

#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>
#include <list>
#include <map>

namespace hlscam {

class MjpegStreams : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    // `fps`: at most this rate (the camera's when 0). Sends the head of the answer and takes
    // the socket; false when refused (a 503 was sent: too many watchers).
    bool watch(JpegFeed *feed, int fps, QHttpServerResponder &responder, QTcpSocket *socket);
    // Watchers of the camera now, and what was sent them.
    void addCounters(const QString &camera, JpegCounters &into) const;

private:
    struct Watcher {
        QPointer<QTcpSocket> socket;
        qint64 intervalUs = 0;
        qint64 lastSentUs = 0;  // monotonic; 0: nothing sent yet
        quint64 lastFrame = 0;  // the frame number last sent (Jpeg::frame; numbers start at 1)
    };
    struct Streams {
        JpegFeed *feed = nullptr;
        std::list<Watcher> watchers;
        bool encoding = false;  // a frame's JPEG is being made for them
        QMetaObject::Connection frames;
        quint64 framesSent = 0;
        quint64 bytesSent = 0;
    };

    void onPicture(Streams &s);
    void deliver(Streams &s, const Jpeg &jpeg);
    void prune(Streams &s);

    std::map<QString, Streams> m_streams;  // by camera name; nodes stay put (lambdas hold them)
};

}  // namespace hlscam
