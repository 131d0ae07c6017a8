// How hlscam reports a failure: a kind a program can act on (the status API, metrics, the
// desktop app, a retry policy) and a sentence a person can act on. A default Error is success.
// Code returns this (or Result<T>), never an error text whose emptiness means success nor a
// QString* out-parameter. The one other shape: the config parser's ConfigError, which also says
// where (file, line, key) for the API and the tests.
#pragma once

#include <QString>
#include <optional>
#include <utility>

namespace hlscam {

enum class Fault {
    None,
    NoDevice,           // the camera or file is not there (unplugged, wrong path)
    Busy,               // another program holds the device
    NoPermission,       // the service's user may not open it (group video?)
    Stalled,            // open, but no picture came for a while
    UnsupportedFormat,  // no size, rate or pixel format it offers can be used, or no decoder
    ModuleMissing,      // the FFmpeg module a camera or file needs is not installed
    Encoder,            // no encoder could be opened, or one failed
    Io,                 // reading or writing failed otherwise
    InvalidValue,       // a value the camera does not take (a control out of range, read-only)
    Config,             // the settings, the command line or a name or hash given are wrong: a person
                        // fixes them (exit status 2; a reload keeps the running settings)
    Other,
};

// "no-device", "busy", ...: the name in the status API, the metrics and the logs.
QString faultName(Fault fault);

struct [[nodiscard]] Error {
    Fault fault = Fault::None;
    QString message;

    Error() = default;
    Error(Fault f, QString text)
        : fault(f),
          message(std::move(text))
    {}

    bool failed() const { return fault != Fault::None; }
    explicit operator bool() const { return failed(); }
};

// A value, or the Error that kept it from being made.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    Result(Error error)
        : m_error(std::move(error))
    {}

    bool ok() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

}  // namespace hlscam
