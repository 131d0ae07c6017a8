// What the server, the app and the desktop app need of one camera, and all they may reach of
// it: a name, its segment store, its status and settings, and a way to change them. A Pipeline
// is one; tests put a fake behind it. The camera's work happens on threads of its own: these
// calls return at once and are made from the thread that owns the object (the main thread).
#pragma once

#include "Error.h"
#include "camera/CameraControl.h"
#include "capture/Picture.h"
#include "config/Settings.h"

#include <QObject>
#include <QStringList>
#include <functional>

namespace hlscam {

class EncodedFeed;
class SegmentStore;

enum class CameraState { Starting, Streaming, Retrying, Stopped };
QString cameraStateName(CameraState state);  // "starting", "streaming", ...

struct CameraStatus {
    CameraState state = CameraState::Starting;
    QString source;                 // what is being captured
    QString encoder;                // the encoder in use
    QStringList encoderPassedOver;  // earlier candidates and why they were passed over
    QString lastError;
    Fault fault = Fault::None;  // the kind of lastError; None while streaming
    qint64 framesCaptured = 0;
    qint64 framesDropped = 0;       // frames the camera's driver lost (gaps in its sequence numbers)
    qint64 keyFramesRequested = 0;  // key frames forced because a viewer asked (requestKeyFrame)

    bool operator==(const CameraStatus &) const = default;
};

// --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
// The newest picture a camera captured: shared with the pipeline (the picture's bytes are
// implicitly shared, so keeping it copies nothing).
struct TappedPicture {
    Picture picture;        // I420; null before the first picture, after a failure, and for H.264
    qint64 wallUs = 0;      // wall-clock capture time
    quint64 number = 0;     // grows by one with every captured frame (never reused by a restart)
    bool h264Only = false;  // the source delivers H.264 (passthrough): no picture to tap...
    // ...but its newest key frame, decoded only when a snapshot asks (server/jpeg/JpegFeed).
    QByteArray keyFrame;      // one access unit as the source gave it (shared, no copy)
    QByteArray keyExtradata;  // the stream's SPS/PPS out of band (H264Parameters::extradata)
    qint64 keyWallUs = 0;     // the key frame's wall-clock capture time
    quint64 keyNumber = 0;    // its frame number (as `number`)
};

class Camera : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString name() const = 0;
    // The settings it runs with (device may be "auto"; status().source says what was opened).
    virtual CameraSettings settings() const = 0;
    // Where its init segments, segments and parts are: safe to read from any thread.
    virtual SegmentStore *store() const = 0;
    // Its encoded access units as they leave the encoder (WebRTC viewers): safe from any thread.
    virtual EncodedFeed *feed() const = 0;
    // A viewer lost the picture or just joined: the next picture should be a key frame. Shared
    // by all viewers and rate-limited by the camera; a camera whose own H.264 is passed through
    // cannot be asked, and viewers wait for its next key frame. Any thread; returns at once.
    virtual void requestKeyFrame() = 0;
    // A copy, safe to take from any thread; framesCaptured and framesDropped move without a signal.
    virtual CameraStatus status() const = 0;
    // New device, size, rate, bitrate or encoder (same name): the camera restarts on its own
    // thread; the store (and every URL in it) carries on after a discontinuity. Returns at once.
    virtual void reconfigure(const CameraSettings &settings) = 0;

    // The camera's controls (brightness, exposure...) with their current values, read off the
    // caller's thread; `done` runs on `context`'s thread, and not at all once it is gone. A
    // camera with no device (the test pattern, a file) has none; an unplugged one fails.
    using ControlsDone = std::function<void(const Result<QList<CameraControl>> &)>;
    virtual void readControls(QObject *context, ControlsDone done);
    // Writes `values` (all or none), then reads the controls back into `done`. Once written they
    // are part of settings().controls: applied again whenever the device opens, without a
    // restart of the camera now.
    virtual void writeControls(const ControlValues &values, QObject *context, ControlsDone done);

    // --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
    // The newest picture, safe to take from any thread; a fake camera has none.
    virtual TappedPicture latestPicture() const { return {}; }

Q_SIGNALS:
    // --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
    // A new frame is in latestPicture(). Emitted from the camera's thread on every frame; costs
    // nothing while nothing is connected (the MJPEG streams connect only while someone watches).
    void pictureCaptured();

    // The state, source, encoder or error changed (not the frame count). Emitted from the
    // camera's thread: connections to objects of other threads are queued.
    void statusChanged();
};

}  // namespace hlscam
