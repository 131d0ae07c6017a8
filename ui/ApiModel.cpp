#include "ApiModel.h"

#include "Session.h"

#include <QJsonArray>

namespace hlscam::ui {

ApiModel::ApiModel(QString listPath, QStringList keys, QObject *parent)
    : JsonListModel(std::move(keys), parent),
      m_listPath(std::move(listPath))
{}

void ApiModel::setSession(Session *session)
{
    if (m_session == session)
        return;
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    if (m_session) {
        // A new connection (another board, or the same after a reconnect): show its list.
        connect(m_session, &Session::connectedChanged, this, [this] {
            setRows({});
            m_error.clear();
            m_message.clear();
            Q_EMIT stateChanged();
            if (m_session->connected())
                refresh();
        });
        if (m_session->connected())
            refresh();
    }
    Q_EMIT sessionChanged();
}

void ApiModel::refresh()
{
    if (m_listPath.isEmpty())
        return;
    request("GET", m_listPath, QJsonValue::Undefined, [this](const ApiReply &reply) {
        if (!reply.ok())
            return fail(reply.error);
        setRows(reply.json.toArray());
    });
}

void ApiModel::change(const QByteArray &method, const QString &path, const QJsonValue &body, const QString &doneMessage)
{
    m_message.clear();
    request(method, path, body, [this, doneMessage](const ApiReply &reply) {
        if (!reply.ok())
            return fail(reply.error);
        m_message = doneMessage;
        Q_EMIT stateChanged();
        refresh();
    });
}

void ApiModel::fail(const QString &error)
{
    m_error = error;
    m_message.clear();
    Q_EMIT stateChanged();
}

void ApiModel::request(const QByteArray &method, const QString &path, const QJsonValue &body, ApiClient::Done done)
{
    if (!m_session || !m_session->connected())
        return fail(QStringLiteral("Not connected to a service"));
    ++m_pending;
    m_error.clear();
    Q_EMIT stateChanged();
    QPointer<ApiModel> self(this);
    m_session->api()->call(method, path, body, [self, done = std::move(done)](const ApiReply &reply) {
        if (!self)
            return;
        --self->m_pending;
        done(reply);
        Q_EMIT self->stateChanged();
    });
}

}  // namespace hlscam::ui
