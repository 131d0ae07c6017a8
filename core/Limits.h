// The fixed bounds hlscam chose, each with why, in one place. Bounds an operator may need to
// change are settings instead (config/Settings.h, documented in resources/hlscam.conf); bounds a
// protocol defines (DNS label and message sizes, RFC 6762 timers) stay beside the code that
// speaks it. Every other file takes its bound from here rather than writing the number.
#pragma once

#include <QtGlobal>

namespace hlscam::limits {

// Files read whole into memory: a cap keeps "--config /dev/zero" or a runaway file from eating it.
inline constexpr qint64 kConfigFileBytes = qint64{1024} * 1024;       // a config file is a few kB
inline constexpr qint64 kCameraOverridesBytes = qint64{1024} * 1024;  // one short section per camera
inline constexpr qint64 kUsersFileBytes = qint64{16} * 1024 * 1024;   // ~100,000 users with yescrypt hashes
inline constexpr qint64 kBansFileBytes = qint64{16} * 1024 * 1024;    // the ban list at its largest, and then some
inline constexpr qint64 kTokenKeyFileBytes = 4096;                    // 32 bytes of key
inline constexpr qint64 kPemFileBytes = qint64{1024} * 1024;          // a certificate chain and a key

// HTTP requests, within [server] max_request_bytes.
inline constexpr int kRequestFields = 100;                            // header lines; browsers send ~15
inline constexpr qsizetype kRequestFieldBytes = qsizetype{8} * 1024;  // one header line, as nginx allows
inline constexpr qsizetype kRangeHeaderBytes = 256;                   // one Range slice; more is ignored (whole body)
inline constexpr qsizetype kBasicCredentialsBytes = 1024;             // decoded name:password; longer is malformed
inline constexpr int kUrlTokenBytes = 512;                            // our tokens are ~150; longer is not ours
inline constexpr int kPasswordChars = 1024;                           // a password set through the API or CLI
inline constexpr int kCamerasPerUser = 256;                           // names in a user's camera list

// Waiting requests.
inline constexpr int kFirstSegmentWaitMs = 10000;  // a playlist waits this long for a camera's first segment
inline constexpr qint64 kMinTokenSeconds = 60;     // a shorter token expires before a player has used it

// Memory per client: counted, bounded whatever clients do.
inline constexpr qint64 kViewerWindowMs = 10000;        // a viewer counts while it fetched within this
inline constexpr int kViewersTrackedPerCamera = 10000;  // distinct viewers remembered per camera
inline constexpr int kBanEvictPercent = 90;             // a full ban list is cut to this share in one pass

// Connections (within the [server] limits and timeouts).
inline constexpr qint64 kAnsweringMs = 30000;  // a connection with an answer pending is not idle before this
                                               // (held requests wait up to kFirstSegmentWaitMs)

// Discovery on the LAN (mDNS): whatever the LAN sends, memory and our answers stay bounded.
inline constexpr int kMdnsInbox = 256;              // datagrams read but not yet handed on
inline constexpr int kMdnsDatagramsPerWakeup = 64;  // handed on per event-loop turn, so HTTP keeps its turn
inline constexpr int kMdnsRecords = 512;            // records a browser keeps
inline constexpr int kMdnsServices = 64;            // services a browser lists
inline constexpr int kMdnsUnicastPerSecond = 50;    // legacy answers: we cannot be used as an amplifier
inline constexpr int kMdnsLinksRemembered = 1024;   // per-interface send times kept before old ones go
inline constexpr int kMdnsNameSuffix = 9999;        // "NAME (N)" counts to this, then again from 2

// ACME (server/acme): an ACME server is trusted with little, and its answers are small.
inline constexpr qint64 kAcmeReplyBytes = qint64{1024} * 1024;  // a JSON object or a certificate chain
inline constexpr int kAcmeTimeoutMs = 30000;                    // one request to the ACME server
inline constexpr int kAcmePolls = 60;                           // status checks of one authorization or order
inline constexpr int kAcmeNonceRetries = 3;                     // badNonce answers retried per request
inline constexpr int kAcmeChallengeBytes = 4096;                // one request on the HTTP-01 port
inline constexpr int kAcmeChallengeConnections = 64;            // open on the HTTP-01 port at once
inline constexpr int kAcmeChallengeTimeoutMs = 10000;           // to send a request there

// The desktop app, as a client of a board it does not trust blindly.
inline constexpr qint64 kApiReplyBytes = qint64{4} * 1024 * 1024;  // the API's answers are a few kB
inline constexpr int kApiTimeoutMs = 10000;                        // a board that answers slower is gone

}  // namespace hlscam::limits
