// Writing an HTTP response through Qt HttpServer 6.4's responder, with headers chosen at run time
// (its convenience overloads take only a fixed initializer list).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHttpServerResponder>
#include <QJsonValue>
#include <QList>
#include <utility>

namespace hlscam {

using Status = QHttpServerResponder::StatusCode;

struct Response {
    Status status = Status::Ok;
    QByteArray contentType;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    // The part of body that is sent (a 206 answer): a view into the shared media bytes, so a
    // range costs no copy of the segment.
    qsizetype offset = 0;
    qsizetype length = -1;  // -1: to the end of body

    QByteArrayView payload() const
    {
        return QByteArrayView(body).sliced(offset, length < 0 ? body.size() - offset : length);
    }

    Response &header(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
        return *this;
    }
    static Response text(Status status, const QByteArray &message);
    static Response content(const QByteArray &type, const QByteArray &body, const QByteArray &cacheControl);
    // A JSON body (never cached); an error is {"error": message}.
    static Response json(Status status, const QJsonValue &value);
    static Response jsonError(Status status, const QString &message);
};

// Sends the response; for HEAD requests the headers only (with the body's Content-Length).
// Sends `response`; `route` labels it in the metrics ("playlist", "api", ...).
void send(QHttpServerResponder &responder, const Response &response, bool headOnly, const char *route);

}  // namespace hlscam
