// One camera's capture -> encode -> package loop, on its own worker thread: the Camera the
// server sees. It owns its source, encoder and packager; the HTTP side reaches it only through
// the SegmentStore, status() and reconfigure(). A failing or missing camera is retried with
// backoff; the process never exits for that.
#pragma once

#include "camera/Camera.h"
#include "hls/SegmentStore.h"

#include <QMutex>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace hlscam {

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
    CameraStatus status() const override;
    // Hands the new settings to the worker, which closes its source and encoder and opens them
    // again with these: the caller (the HTTP thread) never waits for a camera to close.
    void reconfigure(const CameraSettings &camera) override;

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
    void sleepInterruptible(int ms);

    CameraSettings m_configured;  // main thread's copy
    CameraSettings m_camera;      // the worker's (auto resolved to a device)
    HlsSettings m_hls;
    std::unique_ptr<SegmentStore> m_store;
    QThread *m_thread = nullptr;
    std::atomic_bool m_stop{false};
    // Set by stop() and reconfigure(): sources and the loops watch it to give up at once.
    std::atomic_bool m_interrupt{false};
    mutable QMutex m_mutex;  // guards m_status and m_pending
    CameraStatus m_status;
    std::optional<CameraSettings> m_pending;

    // --- Raw-frame tap (snapshots, MJPEG; issue 19) ---
    void tapPicture(const Capture &capture);  // worker: the capture just read
    void clearTappedPicture();                // worker: the source stopped
    mutable QMutex m_tapMutex;                // guards m_tapped (apart from m_mutex: taken per frame)
    TappedPicture m_tapped;
};

}  // namespace hlscam
