// The HTTP front of hlscam on Qt HttpServer: authenticates every request but /healthz, then
// serves the viewer page, the player and the cameras' media.
#pragma once

#include "config/Settings.h"

#include <QAbstractHttpServer>
#include <QByteArray>

namespace hlscam {

class Authenticator;
class MediaRoutes;
class Pipeline;

class HttpServer final : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpServer(const QList<Pipeline *> &pipelines, Authenticator *authenticator,
               const HlsSettings &hls, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Authenticator *m_auth;
    MediaRoutes *m_media;
    QByteArray m_indexHtml;
    QByteArray m_playerJs;
};

}  // namespace hlscam
