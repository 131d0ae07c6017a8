// What the server keeps of one request while it is being answered, perhaps later than the call
// that received it (a password checked on a worker thread, a held playlist): Qt's request object
// does not outlive that call, and the responder must travel with the request.
#pragma once

#include "auth/UsersFile.h"

#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>
#include <QUrlQuery>
#include <memory>

namespace hlscam {

struct RequestContext {
    RequestContext(QHttpServerResponder &&r)
        : responder(std::move(r))
    {}

    QHttpServerResponder responder;
    QPointer<QTcpSocket> socket;  // null once the client has gone
    QHttpServerRequest::Method method = QHttpServerRequest::Method::Get;
    QString path;
    QUrlQuery query;
    QByteArray body;
    QHostAddress client;  // the peer, or the client a trusted proxy named
    bool headOnly = false;
    QByteArray range;  // the Range header, kept unparsed until the request is authenticated
    // Filled in once authenticated.
    QString user;
    Role role = Role::Viewer;
    CameraAccess cameras;  // the cameras the user may see now (none until authenticated)
    QByteArray token;      // the URL token this request came with, carried into playlists

    bool gone() const { return !socket || socket->state() != QAbstractSocket::ConnectedState; }
};

using RequestPtr = std::shared_ptr<RequestContext>;

}  // namespace hlscam
