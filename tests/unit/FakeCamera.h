// A camera for tests of the server side: a real SegmentStore with no pipeline behind it, a
// status the test sets, and the settings reconfigure() was last given.
#pragma once

#include "camera/Camera.h"
#include "camera/EncodedFeed.h"
#include "hls/SegmentStore.h"

#include <memory>

class FakeCamera final : public hlscam::Camera {
public:
    explicit FakeCamera(const QString &name)
        : m_store(std::make_unique<hlscam::SegmentStore>(100, 8))
    {
        m_settings.name = name;
    }
    QString name() const override { return m_settings.name; }
    hlscam::CameraSettings settings() const override { return m_settings; }
    hlscam::SegmentStore *store() const override { return m_store.get(); }
    hlscam::CameraStatus status() const override { return m_status; }
    hlscam::EncodedFeed *feed() const override { return m_feed.get(); }
    void requestKeyFrame() override { ++keyFramesRequested; }
    int keyFramesRequested = 0;
    void reconfigure(const hlscam::CameraSettings &settings) override { m_settings = settings; }

    void setStatus(const hlscam::CameraStatus &status)
    {
        m_status = status;
        Q_EMIT statusChanged();
    }

private:
    hlscam::CameraSettings m_settings;
    hlscam::CameraStatus m_status;
    std::unique_ptr<hlscam::SegmentStore> m_store;
    std::unique_ptr<hlscam::EncodedFeed> m_feed = std::make_unique<hlscam::EncodedFeed>();
};
