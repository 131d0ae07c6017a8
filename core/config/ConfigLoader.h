// Reads the INI configuration into Settings, fail-closed: any unknown section or key, or any value
// out of range, is an error that names the file, line and key and says what is allowed.
// The format and every key are documented in resources/hlscam.conf.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <optional>

#include "Error.h"
#include "config/Settings.h"

namespace hlscam {

struct ConfigError {
    QString file;
    int line = 0;     // 1-based; 0 when the error is not about one line
    QString key;      // "[section] key", "[section]", or empty
    QString message;  // what is wrong and what is allowed

    // "FILE:LINE: KEY: MESSAGE", leaving out the parts that are empty or 0.
    QString toString() const;
};

struct ConfigResult {
    Settings settings;  // the defaults when error is set
    std::optional<ConfigError> error;
    bool ok() const { return !error; }
};

// Parses INI text (UTF-8); fileName only labels errors. Touches no file.
ConfigResult parseConfig(const QByteArray &text, const QString &fileName);

// Reads and parses a file; an unreadable or missing file is an error naming it.
ConfigResult loadConfigFile(const QString &path);

// Command-line overrides, applied after the file. Each fails with Fault::Config and leaves its
// argument unchanged then.
// listen: "ADDR:PORT", "[IPV6]:PORT", ":PORT" or "PORT"; no address or 0.0.0.0 means every
// address (QHostAddress::Any, IPv4 and IPv6). Port 0 lets the system pick one.
Error applyListen(const QString &value, ServerSettings &server);
// source: sets cameras[0].device to "testpattern", "auto", "/dev/videoN", or the absolute path
// of an existing file or device node.
Error applySource(const QString &value, Settings &settings);

// Every "section.key" the parser accepts; camera sections appear as "camera.*".
QStringList knownKeys();

}  // namespace hlscam
