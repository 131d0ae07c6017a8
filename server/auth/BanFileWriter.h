// Writes a service's ban changes to the bans file on a thread of its own, so the event loop never
// waits for the lock, the read, the JSON or the fsync. Every write is a locked read-merge-write
// of only the keys that changed here: what another process (`hlscam bans unban`) changed in the
// file meanwhile stays.
#pragma once

#include "Error.h"
#include "auth/BanList.h"

#include <QHash>
#include <QString>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace hlscam {

// What identifies one version of a file, to tell our own writes from other processes' ones.
struct FileStamp {
    qint64 inode = -1;
    qint64 mtimeNs = 0;
    qint64 size = -1;
    bool operator==(const FileStamp &) const = default;
    static FileStamp of(const QString &path);
};

// Key -> its persistent record, or nullopt: the key is no longer banned nor remembered.
using BanChanges = QHash<QString, std::optional<BanRecord>>;

// Reads the bans file at `path` into `list`; a missing file is no bans. Fails with Fault::Io when
// it cannot be read or is not a bans file, Fault::NoPermission when it is not to be trusted (a
// link, a fifo, another owner's: left where it is).
Error readBansFile(const QString &path, BanList &list);

struct BanWrite {
    Error error;       // the file could not be locked, read or written (then it is left as it was)
    FileStamp before;  // the file as read, before the changes
    FileStamp after;   // the file as written
    BanList file;      // its bans as written: what other processes changed is in it too
};

// Applies `changes` to the bans file at `path` under its lock, prunes what is over, and replaces
// the file atomically.
BanWrite writeBanChanges(const QString &path, const BanSettings &settings, const BanChanges &changes);

class BanFileWriter {
public:
    // Called on the writer thread after each write with the last sequence number it covers.
    using Done = std::function<void(quint64 seq, const BanWrite &write)>;
    BanFileWriter(const QString &path, const BanSettings &settings, Done done);
    ~BanFileWriter();  // writes what was submitted, then stops
    BanFileWriter(const BanFileWriter &) = delete;
    BanFileWriter &operator=(const BanFileWriter &) = delete;

    // Queues `changes` (merged with queued ones not yet being written: the newest wins).
    void submit(const BanChanges &changes, quint64 seq);

private:
    void run();

    const QString m_path;
    const BanSettings m_settings;
    const Done m_done;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    BanChanges m_queued;
    quint64 m_queuedSeq = 0;
    bool m_stop = false;
    std::thread m_thread;  // last: started once everything above exists
};

}  // namespace hlscam
