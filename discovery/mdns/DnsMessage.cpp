#include "mdns/DnsMessage.h"

#include <QHash>
#include <QtEndian>

namespace hlscam::dns {

namespace {

constexpr int kHeaderBytes = 12;
constexpr quint16 kTopBit = 0x8000;  // QU in a question's class, cache-flush in a record's
constexpr int kMaxPointers = 64;     // a name with more jumps is hostile, whatever it spells

QByteArray lower(const QByteArray &label)
{
    return label.toLower();  // ASCII only, as DNS compares names (RFC 4343)
}

class Reader {
public:
    explicit Reader(QByteArrayView packet)
        : m_data(packet)
    {}

    bool u8(quint8 &v)
    {
        if (m_pos + 1 > m_data.size())
            return false;
        v = quint8(m_data[m_pos++]);
        return true;
    }
    bool u16(quint16 &v)
    {
        if (m_pos + 2 > m_data.size())
            return false;
        v = qFromBigEndian<quint16>(m_data.data() + m_pos);
        m_pos += 2;
        return true;
    }
    bool u32(quint32 &v)
    {
        if (m_pos + 4 > m_data.size())
            return false;
        v = qFromBigEndian<quint32>(m_data.data() + m_pos);
        m_pos += 4;
        return true;
    }
    bool bytes(qsizetype n, QByteArray &out)
    {
        if (n < 0 || m_pos + n > m_data.size())
            return false;
        out = m_data.sliced(m_pos, n).toByteArray();
        m_pos += n;
        return true;
    }

    // A name at the current position, compression pointers followed. Each pointer must point
    // before the lowest position read so far for this name, so the walk always ends (no loop can
    // be built), and at most kMaxPointers of them.
    bool name(Name &out)
    {
        out.clear();
        qsizetype pos = m_pos;
        qsizetype lowest = m_pos;
        qsizetype resume = -1;  // where reading goes on after the name, once a pointer was taken
        int wireBytes = 1;      // the final zero
        int jumps = 0;
        for (;;) {
            if (pos >= m_data.size())
                return false;
            const quint8 len = quint8(m_data[pos]);
            if (len == 0) {
                ++pos;
                break;
            }
            if ((len & 0xC0) == 0xC0) {
                if (pos + 2 > m_data.size())
                    return false;
                const qsizetype target = qFromBigEndian<quint16>(m_data.data() + pos) & 0x3FFF;
                if (target >= lowest || ++jumps > kMaxPointers)
                    return false;
                if (resume < 0)
                    resume = pos + 2;
                pos = lowest = target;
                continue;
            }
            if (len & 0xC0)
                return false;  // 0x40 and 0x80: extended label types, never valid here
            if (pos + 1 + len > m_data.size())
                return false;
            wireBytes += 1 + len;
            if (wireBytes > kMaxNameBytes)
                return false;
            out.append(m_data.sliced(pos + 1, len).toByteArray());
            pos += 1 + len;
        }
        m_pos = resume >= 0 ? resume : pos;
        return true;
    }

    qsizetype pos() const { return m_pos; }
    qsizetype size() const { return m_data.size(); }

private:
    QByteArrayView m_data;
    qsizetype m_pos = 0;
};

bool readQuestion(Reader &r, Question &q)
{
    quint16 cls = 0;
    if (!r.name(q.name) || !r.u16(q.type) || !r.u16(cls))
        return false;
    q.unicastResponse = cls & kTopBit;
    q.qclass = cls & ~kTopBit;
    return true;
}

// The record's data, which must take exactly its rdlength bytes.
bool readData(Reader &r, Record &rec, quint16 length)
{
    const qsizetype end = r.pos() + length;
    if (end > r.size())
        return false;
    switch (rec.type) {
    case PTR:
        if (!r.name(rec.target))
            return false;
        break;
    case SRV:
        if (!r.u16(rec.priority) || !r.u16(rec.weight) || !r.u16(rec.port) || !r.name(rec.target))
            return false;
        break;
    case TXT:
        while (r.pos() < end) {
            quint8 n = 0;
            QByteArray s;
            if (!r.u8(n) || r.pos() + n > end || !r.bytes(n, s))
                return false;
            if (!s.isEmpty())  // an empty string is what an empty TXT record holds (RFC 6763 §6.1)
                rec.txt.append(s);
        }
        break;
    case A:
    case AAAA: {
        QByteArray raw;
        if (length != (rec.type == A ? 4 : 16) || !r.bytes(length, raw))
            return false;
        if (rec.type == A)
            rec.address = QHostAddress(qFromBigEndian<quint32>(raw.constData()));
        else
            rec.address = QHostAddress(reinterpret_cast<const quint8 *>(raw.constData()));
        break;
    }
    default:
        if (!r.bytes(length, rec.rdata))
            return false;
    }
    return r.pos() == end;
}

bool readRecord(Reader &r, Record &rec)
{
    quint16 cls = 0, length = 0;
    if (!r.name(rec.name) || !r.u16(rec.type) || !r.u16(cls) || !r.u32(rec.ttl) || !r.u16(length))
        return false;
    rec.cacheFlush = cls & kTopBit;
    rec.rrclass = cls & ~kTopBit;
    return readData(r, rec, length);
}

bool readRecords(Reader &r, quint16 count, QList<Record> &out)
{
    for (quint16 i = 0; i < count; ++i) {
        Record rec;
        if (!readRecord(r, rec))
            return false;
        out.append(rec);
    }
    return true;
}

class Writer {
public:
    bool ok = true;
    QByteArray out;

    void u8(quint8 v) { out.append(char(v)); }
    void u16(quint16 v)
    {
        u8(quint8(v >> 8));
        u8(quint8(v));
    }
    void u32(quint32 v)
    {
        u16(quint16(v >> 16));
        u16(quint16(v));
    }

    // Each suffix already written is pointed to (RFC 1035 §4.1.4), case-insensitively.
    void name(const Name &name)
    {
        int wireBytes = 1;
        for (const QByteArray &label : name) {
            if (label.isEmpty() || label.size() > kMaxLabelBytes)
                ok = false;
            wireBytes += 1 + int(label.size());
        }
        if (wireBytes > kMaxNameBytes)
            ok = false;
        if (!ok)
            return;
        for (qsizetype i = 0; i < name.size(); ++i) {
            QByteArray key;
            for (qsizetype j = i; j < name.size(); ++j)
                key += lower(name[j]) + '\0';
            if (const auto it = m_suffixes.constFind(key); it != m_suffixes.cend()) {
                u16(quint16(0xC000 | *it));
                return;
            }
            if (out.size() <= 0x3FFF)  // beyond, a pointer could not reach it
                m_suffixes.insert(key, quint16(out.size()));
            u8(quint8(name[i].size()));
            out.append(name[i]);
        }
        u8(0);
    }

    void record(const Record &rec)
    {
        name(rec.name);
        u16(rec.type);
        u16(quint16(rec.rrclass | (rec.cacheFlush ? kTopBit : 0)));
        u32(rec.ttl);
        const qsizetype lengthAt = out.size();
        u16(0);
        switch (rec.type) {
        case PTR: name(rec.target); break;
        case SRV:
            u16(rec.priority);
            u16(rec.weight);
            u16(rec.port);
            name(rec.target);
            break;
        case TXT:
            if (rec.txt.isEmpty())
                u8(0);  // an empty TXT record is one empty string (RFC 6763 §6.1)
            for (const QByteArray &s : rec.txt) {
                if (s.size() > 255)
                    ok = false;
                u8(quint8(s.size()));
                out.append(s.left(255));
            }
            break;
        case A: {
            const quint32 v4 = rec.address.toIPv4Address();
            u32(v4);
            break;
        }
        case AAAA: {
            const Q_IPV6ADDR v6 = rec.address.toIPv6Address();
            out.append(reinterpret_cast<const char *>(v6.c), 16);
            break;
        }
        default: out.append(rec.rdata);
        }
        const qsizetype length = out.size() - lengthAt - 2;
        if (length > 0xFFFF)
            ok = false;
        qToBigEndian<quint16>(quint16(length), out.data() + lengthAt);
    }

private:
    QHash<QByteArray, quint16> m_suffixes;
};

}  // namespace

bool sameName(const Name &a, const Name &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].compare(b[i], Qt::CaseInsensitive) != 0)
            return false;
    return true;
}

QString toString(const Name &name)
{
    QStringList labels;
    for (const QByteArray &label : name)
        labels.append(QString::fromUtf8(label));
    return labels.join(u'.');
}

bool Record::sameRecord(const Record &o) const
{
    if (type != o.type || rrclass != o.rrclass || !sameName(name, o.name))
        return false;
    switch (type) {
    case PTR: return sameName(target, o.target);
    case SRV: return priority == o.priority && weight == o.weight && port == o.port && sameName(target, o.target);
    case TXT: return txt == o.txt;
    case A:
    case AAAA: return address == o.address;
    default: return rdata == o.rdata;
    }
}

std::optional<Message> parse(QByteArrayView packet)
{
    if (packet.size() < kHeaderBytes || packet.size() > kMaxMessageBytes)
        return std::nullopt;
    Reader r(packet);
    Message m;
    quint16 qd = 0, an = 0, ns = 0, ar = 0;
    if (!r.u16(m.id) || !r.u16(m.flags) || !r.u16(qd) || !r.u16(an) || !r.u16(ns) || !r.u16(ar))
        return std::nullopt;
    for (quint16 i = 0; i < qd; ++i) {
        Question q;
        if (!readQuestion(r, q))
            return std::nullopt;
        m.questions.append(q);
    }
    if (!readRecords(r, an, m.answers) || !readRecords(r, ns, m.authorities) || !readRecords(r, ar, m.additionals) ||
        r.pos() != r.size())
        return std::nullopt;
    return m;
}

QByteArray encode(const Message &m)
{
    Writer w;
    w.u16(m.id);
    w.u16(m.flags);
    for (const qsizetype n : {m.questions.size(), m.answers.size(), m.authorities.size(), m.additionals.size()}) {
        if (n > 0xFFFF)
            return {};
        w.u16(quint16(n));
    }
    for (const Question &q : m.questions) {
        w.name(q.name);
        w.u16(q.type);
        w.u16(quint16(q.qclass | (q.unicastResponse ? kTopBit : 0)));
    }
    for (const QList<Record> *section : {&m.answers, &m.authorities, &m.additionals})
        for (const Record &rec : *section)
            w.record(rec);
    if (!w.ok)
        return {};
    return w.out;
}

std::optional<QByteArray> txtValue(const QList<QByteArray> &txt, QByteArrayView key)
{
    for (const QByteArray &s : txt) {
        const qsizetype eq = s.indexOf('=');
        const QByteArrayView k = eq < 0 ? QByteArrayView(s) : QByteArrayView(s).first(eq);
        if (k.compare(key, Qt::CaseInsensitive) == 0)
            return eq < 0 ? QByteArray() : s.mid(eq + 1);
    }
    return std::nullopt;
}

}  // namespace hlscam::dns
