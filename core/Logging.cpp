#include "Logging.h"

Q_LOGGING_CATEGORY(lcCapture, "hlscam.capture", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEncode, "hlscam.encode", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHls, "hlscam.hls", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPipeline, "hlscam.pipeline", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "hlscam.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "hlscam.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "hlscam.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcFfmpeg, "hlscam.ffmpeg", QtWarningMsg)
Q_LOGGING_CATEGORY(lcMdns, "hlscam.mdns", QtInfoMsg)
Q_LOGGING_CATEGORY(lcService, "hlscam.service", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAcme, "hlscam.acme", QtInfoMsg)
