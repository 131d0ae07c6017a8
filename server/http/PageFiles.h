// The viewer page's files (resources/www, compiled into the binary under :/www): the HTML page,
// its scripts and style sheet, and hls.js as /player.js. Read once at start, answered from memory.
#pragma once

#include "http/Response.h"

#include <QHash>
#include <QString>
#include <optional>

namespace hlscam {

class PageFiles {
public:
    PageFiles();

    // The answer for a URL path (`/`, `/player.js`, `/page/grid.js`...); nullopt when it is none
    // of the page's files.
    std::optional<Response> find(const QString &path) const;

private:
    struct File {
        QByteArray type;
        QByteArray body;
        QByteArray cacheControl;
    };
    QHash<QString, File> m_files;  // by URL path
};

}  // namespace hlscam
