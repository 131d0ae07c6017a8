#include "LocalService.h"

#include "Service.h"

namespace hlscam::ui {

LocalService::LocalService(Settings settings, SettingsSources sources)
    : m_settings(std::move(settings)),
      m_sources(std::move(sources))
{
    m_thread.setObjectName(QStringLiteral("local-service"));
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

LocalService::~LocalService()
{
    QMetaObject::invokeMethod(
        &m_context, [this] { m_service.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

Error LocalService::start()
{
    Error error;
    QMetaObject::invokeMethod(
        &m_context,
        [this, &error] {
            m_service = std::make_unique<Service>(m_settings, m_sources);
            error = m_service->start();
            m_port = m_service->port();
        },
        Qt::BlockingQueuedConnection);
    return error;
}

}  // namespace hlscam::ui
