#include "auth/BanFileWriter.h"
#include "Limits.h"

#include "FileLock.h"
#include "StateFiles.h"

#include <QDateTime>
#include <QFile>

#include <sys/stat.h>

namespace hlscam {

FileStamp FileStamp::of(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {qint64(st.st_ino), qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, qint64(st.st_size)};
}

Error readBansFile(const QString &path, BanList &list)
{
    const Result<std::optional<QByteArray>> read = readStateFile(path, limits::kBansFileBytes);
    if (!read.ok())
        return read.error();
    // No file: no bans.
    if (Error e = list.fromJson(read.value().value_or(R"({"version":1,"addresses":{}})")))
        return {e.fault, QStringLiteral("%1: %2").arg(path, e.message)};
    return {};
}

BanWrite writeBanChanges(const QString &path, const BanSettings &settings, const BanChanges &changes)
{
    BanWrite out{{}, {}, {}, BanList(settings)};
    FileLock lock(path);
    if (!lock.locked()) {
        out.error = lock.error();
        return out;
    }
    out.before = FileStamp::of(path);
    if (out.error = readBansFile(path, out.file); out.error)
        return out;  // writing now would drop the bans in a file we cannot read
    for (auto it = changes.cbegin(); it != changes.cend(); ++it)
        out.file.setPersistent(it.key(), *it);
    out.file.prune(QDateTime::currentMSecsSinceEpoch());
    out.error = writeFileAtomically(path, out.file.toJson());
    if (!out.error)
        out.after = FileStamp::of(path);  // still under the lock: no other writer's version
    return out;
}

BanFileWriter::BanFileWriter(const QString &path, const BanSettings &settings, Done done)
    : m_path(path),
      m_settings(settings),
      m_done(std::move(done)),
      m_thread([this] { run(); })
{}

BanFileWriter::~BanFileWriter()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void BanFileWriter::submit(const BanChanges &changes, quint64 seq)
{
    {
        const std::lock_guard lock(m_mutex);
        m_queued.insert(changes);
        m_queuedSeq = seq;
    }
    m_wake.notify_one();
}

void BanFileWriter::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queued.isEmpty(); });
        if (m_queued.isEmpty())
            return;  // asked to stop, and all is written
        const BanChanges changes = std::exchange(m_queued, {});
        const quint64 seq = m_queuedSeq;
        lock.unlock();
        m_done(seq, writeBanChanges(m_path, m_settings, changes));
        lock.lock();
    }
}

}  // namespace hlscam
