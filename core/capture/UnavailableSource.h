// A source that cannot be opened, and says why (the FFmpeg module a camera or file needs is
// missing): the pipeline reports it and retries as for any camera that fails to open.
#pragma once

#include "capture/Source.h"

namespace hlscam {

class UnavailableSource final : public Source {
public:
    UnavailableSource(const QString &description, const QString &why)
        : m_description(description),
          m_why(why)
    {}
    Error open() override { return {Fault::ModuleMissing, QStringLiteral("%1: %2").arg(m_description, m_why)}; }
    ReadStatus read(Capture &) override { return ReadStatus::Failed; }
    QString description() const override { return m_description; }
    Error lastError() const override { return {Fault::ModuleMissing, m_why}; }

private:
    QString m_description;
    QString m_why;
};

}  // namespace hlscam
