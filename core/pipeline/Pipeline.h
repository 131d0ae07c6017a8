// One camera's capture -> encode -> package loop, on its own worker thread: the Camera the
// server sees. It owns its source, encoder and packager; the HTTP side reaches it only through
// the SegmentStore, status() and reconfigure(). A failing or missing camera is retried with
// backoff; the process never exits for that.
#pragma once

#include "camera/Camera.h"
#include "camera/EncodedFeed.h"
#include "hls/SegmentStore.h"

#include <QMutex>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace hlscam {

class LogBudget;
class DeviceWatcher;
class Source;
struct Capture;

class Pipeline final : public Camera {
    Q_OBJECT
public:
    Pipeline(const CameraSettings &camera, const HlsSettings &hls, QObject *parent = nullptr);
    ~Pipeline() override;

    void start();
    void stop();  // waits for the worker thread: only at shutdown

    QString name() const override { return m_configured.name; }
    CameraSettings settings() const override { return m_configured; }
    SegmentStore *store() const override { return m_store.get(); }
    EncodedFeed *feed() const override { return m_feed.get(); }
    void requestKeyFrame() override { m_keyFrameWanted = true; }
    CameraStatus status() const override;
    // Hands the new settings to the worker, which closes its source and encoder and opens them
    // again with these: the caller (the HTTP thread) never waits for a camera to close.
    void reconfigure(const CameraSettings &camera) override;
    // On a thread of the camera's own (one at a time, in order), through a descriptor of their
    // own (V4l2Controls): the capture goes on meanwhile.
    void readControls(QObject *context, ControlsDone done) override;
    void writeControls(const ControlValues &values, QObject *context, ControlsDone done) override;

    // --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
    TappedPicture latestPicture() const override;

private:
    void run();
    bool streamOnce(Source &source);  // true when it streamed for a while before failing
    std::unique_ptr<Source> makeSource();
    // Takes settings handed over by reconfigure(), if any; true when it did.
    bool takeNewSettings();
    void setState(CameraState state, const Error &error = {});
    void updateStatus(const std::function<void(CameraStatus &)> &change);
    // Waits before the next open: `ms`, or less when a device node or stable name changes.
    void waitBeforeRetry(int ms);
    // The kept control values, written to the device just opened (those it has).
    void applySavedControls(const QString &device);
    QString controlsDevice() const;

    CameraSettings m_configured;  // main thread's copy
    CameraSettings m_camera;      // the worker's (auto resolved to a device)
    HlsSettings m_hls;
    std::unique_ptr<SegmentStore> m_store;
    std::unique_ptr<EncodedFeed> m_feed = std::make_unique<EncodedFeed>();
    std::atomic_bool m_keyFrameWanted{false};  // set by requestKeyFrame(), taken by the worker
    QThread *m_thread = nullptr;
    std::atomic_bool m_stop{false};
    // Set by stop() and reconfigure(): sources and the loops watch it to give up at once.
    std::atomic_bool m_interrupt{false};
    mutable QMutex m_mutex;  // guards m_status, m_pending, m_device and m_controls
    CameraStatus m_status;
    std::optional<CameraSettings> m_pending;
    // The worker's: what a camera's command (rpicam, exec:) may write to the log, across restarts.
    std::unique_ptr<LogBudget> m_commandLog;
    QString m_device;                          // the camera device in use (auto resolved); empty: none
    ControlValues m_controls;                  // applied at each open; writeControls adds to them
    std::unique_ptr<DeviceWatcher> m_watcher;  // the worker's, for a camera device
    QThreadPool m_controlsPool;                // last: gone (its tasks finished) before what they touch

    // --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
    // Worker: the capture just read (`h264`: the source's stream parameters, when it gives H.264).
    void tapPicture(const Capture &capture, const H264Parameters *h264);
    void clearTappedPicture();  // worker: the source stopped
    mutable QMutex m_tapMutex;  // guards m_tapped (apart from m_mutex: taken per frame)
    TappedPicture m_tapped;
};

}  // namespace hlscam
