// One camera's newest picture as JPEG, for snapshots and the MJPEG stream: encoded only when
// someone asks, on a thread of the feed's own (a 1080p picture takes 5-10 ms, which would hold
// up every other request if done on the HTTP thread), and kept for the frame it shows, so any
// number of viewers asking for the same frame at the same size cost one encode.
#pragma once

#include "Error.h"
#include "camera/Camera.h"
#include "plugin/FfmpegBackend.h"

#include <QList>
#include <QObject>
#include <QThreadPool>
#include <functional>

namespace hlscam {

struct Jpeg {
    QByteArray data;
    qint64 wallUs = 0;  // when the picture was captured
    quint64 frame = 0;  // the camera's frame number (TappedPicture::number)
};

class JpegFeed : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const Result<Jpeg> &)>;

    explicit JpegFeed(Camera *camera, QObject *parent = nullptr);
    ~JpegFeed() override;  // waits for an encode under way

    Camera *camera() const { return m_camera; }
    // The newest picture at `width` (0: the camera's; see scaledSize) and `quality`; for a camera
    // whose H.264 is passed through, its newest key frame (decoded once per key frame). `done` is
    // called on this object's thread: at once when that frame is cached at that size (or there
    // is no picture), else when its encode is done. Fails with a sentence for a 503.
    void request(int width, int quality, Done done);

private:
    struct Key {
        quint64 frame = 0;
        int width = 0;
        int quality = 0;
        bool operator==(const Key &) const = default;
    };
    struct Pending {
        Key key;
        qint64 wallUs = 0;
        QList<Done> waiting;
    };
    void finished(const Key &key, qint64 wallUs, const Result<QByteArray> &result);
    // On the pool's thread: the key frame as a picture, decoded once (FFmpeg loaded on first use).
    Result<Picture> decodedKeyFrame(const TappedPicture &tapped);

    Camera *m_camera;
    QThreadPool m_pool;                   // one thread: this camera's encodes run one after another
    QList<std::pair<Key, Jpeg>> m_cache;  // the newest frame encoded, at the sizes asked for
    QList<Pending> m_pending;
    // The pool thread's alone: the key-frame decoder, made on first use, and its last picture.
    std::unique_ptr<H264KeyFrameDecoder> m_decoder;
    struct Decoded {
        quint64 number = 0;
        Picture picture;
    };
    Decoded m_decoded;
};

}  // namespace hlscam
