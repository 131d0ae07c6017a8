// Logging categories of hlscam, one per component; switch them with QT_LOGGING_RULES,
// e.g. QT_LOGGING_RULES="hlscam.hls.debug=true".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCapture)
Q_DECLARE_LOGGING_CATEGORY(lcEncode)
Q_DECLARE_LOGGING_CATEGORY(lcHls)
Q_DECLARE_LOGGING_CATEGORY(lcPipeline)
Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcAuth)
Q_DECLARE_LOGGING_CATEGORY(lcFfmpeg)
Q_DECLARE_LOGGING_CATEGORY(lcMdns)
Q_DECLARE_LOGGING_CATEGORY(lcService)
