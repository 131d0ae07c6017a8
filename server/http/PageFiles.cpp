#include "http/PageFiles.h"

#include <QDirIterator>
#include <QFile>

namespace hlscam {

namespace {

QByteArray contentType(const QString &name)
{
    if (name.endsWith(QLatin1String(".html")))
        return "text/html; charset=utf-8";
    if (name.endsWith(QLatin1String(".js")))
        return "text/javascript; charset=utf-8";
    if (name.endsWith(QLatin1String(".css")))
        return "text/css; charset=utf-8";
    if (name.endsWith(QLatin1String(".svg")))
        return "image/svg+xml";
    return "application/octet-stream";
}

// Scripts and styles only from the page's own files: no inline script or style, nothing from
// elsewhere. Grid snapshots are shown from blob: URLs of what the page fetched; hls.js plays from blob: URLs (Media
// Source) and runs its worker from one.
constexpr char kPagePolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

}  // namespace

PageFiles::PageFiles()
{
    const QString root = QStringLiteral(":/www");
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString resource = it.next();
        QFile f(resource);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("hlscam: resource %s cannot be read", qPrintable(resource));
        const QString path = resource.mid(root.size());
        // hls.js changes only with the binary; the page's own files are small and read again.
        const QByteArray cache = path == QLatin1String("/player.js") ? "max-age=3600" : "no-cache";
        m_files.insert(path, File{contentType(path), f.readAll(), cache});
    }
    if (!m_files.contains(QStringLiteral("/index.html")) || !m_files.contains(QStringLiteral("/player.js")))
        qFatal("hlscam: the viewer page or the player is missing from the binary");
    m_files.insert(QStringLiteral("/"), m_files.value(QStringLiteral("/index.html")));
}

std::optional<Response> PageFiles::find(const QString &path) const
{
    const auto it = m_files.constFind(path);
    if (it == m_files.cend())
        return std::nullopt;
    Response r = Response::content(it->type, it->body, it->cacheControl);
    if (it->type.startsWith("text/html")) {
        r.header("Content-Security-Policy", kPagePolicy);
        r.header("Referrer-Policy", "no-referrer");
    }
    return r;
}

}  // namespace hlscam
