// CSRF defence for the requests that change something (POST, PUT, DELETE on the API; POST and
// DELETE on WHEP, where a hostile page would open WebRTC sessions in a viewer's name): a browser
// holding an admin's Basic credentials attaches them to any request a hostile page makes it
// send, including an HTML form posting text/plain that happens to parse as JSON. Such a request
// is refused before authentication (so it neither succeeds nor counts toward a ban of the
// victim's address) when the browser says it comes from another site (Origin, Sec-Fetch-Site),
// or when its body is not declared as JSON, which no form can declare. Tools that send no
// Origin (curl, the desktop app, scripts) are unaffected.
#pragma once

#include "http/Response.h"

#include <QByteArray>
#include <optional>

namespace hlscam {

struct CrossSiteHeaders {
    QByteArray host;         // Host
    QByteArray origin;       // Origin; empty when absent
    QByteArray fetchSite;    // Sec-Fetch-Site; empty when absent
    QByteArray contentType;  // Content-Type; empty when absent
    bool hasBody = false;
    // The one Content-Type the body may have: JSON for the API, application/sdp for WHEP (no
    // form can send either, and a page of another site cannot send them without a CORS
    // preflight, which we never allow).
    QByteArray bodyType = "application/json";
};

// The refusal for a state-changing request with these headers (403 for a foreign origin, 415
// for a body that is not of bodyType), or nothing when it may go on.
std::optional<Response> refuseCrossSite(const CrossSiteHeaders &request);

}  // namespace hlscam
