// A source that cannot be opened, and says why (the FFmpeg module a camera or file needs is
// missing, or the settings ask for what the source cannot do): the pipeline reports it and
// retries as for any camera that fails to open.
#pragma once

#include "capture/Source.h"

namespace hlscam {

class UnavailableSource final : public Source {
public:
    UnavailableSource(const QString &description, const QString &why, Fault fault = Fault::ModuleMissing)
        : m_description(description),
          m_why(why),
          m_fault(fault)
    {}
    Error open() override { return {m_fault, QStringLiteral("%1: %2").arg(m_description, m_why)}; }
    ReadStatus read(Capture &) override { return ReadStatus::Failed; }
    QString description() const override { return m_description; }
    Error lastError() const override { return {m_fault, m_why}; }

private:
    QString m_description;
    QString m_why;
    Fault m_fault;
};

}  // namespace hlscam
