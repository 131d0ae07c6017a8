// A list the app shows from the service's API (users, bans, cameras), with the state of the last
// operation on it: busy while a request runs, the error to show, a message when it is done.
#pragma once

#include "ApiClient.h"
#include "JsonListModel.h"
#include "Session.h"

#include <QPointer>

namespace hlscam::ui {

class ApiModel : public JsonListModel {
    Q_OBJECT
    Q_PROPERTY(hlscam::ui::Session *session READ session WRITE setSession NOTIFY sessionChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(QString message READ message NOTIFY stateChanged)
public:
    ApiModel(QString listPath, QStringList keys, QObject *parent = nullptr);

    Session *session() const { return m_session; }
    void setSession(Session *session);
    bool busy() const { return m_pending > 0; }
    QString error() const { return m_error; }
    QString message() const { return m_message; }

    // Reads the list again (GET listPath).
    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void sessionChanged();
    void stateChanged();

protected:
    // A list whose path changes (a camera's controls): empty reads nothing.
    void setListPath(const QString &path) { m_listPath = path; }
    // Runs one request; on success `doneMessage` is shown and the list read again.
    void change(const QByteArray &method, const QString &path, const QJsonValue &body, const QString &doneMessage);
    void fail(const QString &error);

private:
    void request(const QByteArray &method, const QString &path, const QJsonValue &body, ApiClient::Done done);

    QString m_listPath;
    QPointer<Session> m_session;
    int m_pending = 0;
    QString m_error;
    QString m_message;
};

}  // namespace hlscam::ui
