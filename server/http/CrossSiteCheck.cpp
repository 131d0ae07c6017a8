#include "http/CrossSiteCheck.h"

#include <QUrl>

namespace hlscam {

namespace {

// "http://board:8080" -> "board:8080", the form a browser writes in Host for the same origin.
// Empty when `origin` is not a scheme and authority alone ("null" from sandboxed frames, files).
QByteArray authorityOf(const QByteArray &origin)
{
    const QUrl url(QString::fromLatin1(origin), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty() || !url.path().isEmpty() || url.hasQuery() || url.hasFragment() ||
        !url.userInfo().isEmpty())
        return {};
    const QByteArray scheme = url.scheme().toLatin1();
    const qsizetype start = scheme.size() + 3;  // after "scheme://"
    return origin.mid(start).toLower();
}

bool isType(const QByteArray &contentType, const QByteArray &wanted)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    return type == wanted;
}

}  // namespace

std::optional<Response> refuseCrossSite(const CrossSiteHeaders &request)
{
    const QByteArray site = request.fetchSite.trimmed().toLower();
    if (site == "cross-site" || site == "same-site")
        return Response::jsonError(Status::Forbidden,
                                   QStringLiteral("cross-site request refused: the browser says it comes from "
                                                  "another site (Sec-Fetch-Site: %1)")
                                       .arg(QString::fromLatin1(site)));
    if (!request.origin.isEmpty()) {
        const QByteArray origin = authorityOf(request.origin.trimmed());
        if (origin.isEmpty() || origin != request.host.trimmed().toLower())
            return Response::jsonError(
                Status::Forbidden,
                QStringLiteral("cross-site request refused: Origin %1 is not this "
                               "service (Host %2)")
                    .arg(QString::fromLatin1(request.origin.left(100)), QString::fromLatin1(request.host.left(100))));
    }
    const bool json = request.bodyType == "application/json";
    if ((request.hasBody || !request.contentType.isEmpty()) && !isType(request.contentType, request.bodyType)) {
        if (!json)
            return Response::text(Status::UnsupportedMediaType,
                                  "the body must be sent with Content-Type: " + request.bodyType + " (got " +
                                      request.contentType.left(100) + ")");
        return Response::jsonError(
            Status::UnsupportedMediaType,
            QStringLiteral("the body must be JSON, sent with Content-Type: "
                           "application/json (got %1; curl: --json '{...}')")
                .arg(request.contentType.isEmpty() ? QStringLiteral("no Content-Type")
                                                   : QString::fromLatin1(request.contentType.left(100))));
    }
    return std::nullopt;
}

}  // namespace hlscam
