#include "v4l2/V4l2Controls.h"
#include "v4l2/Ioctl.h"

#include <QFile>
#include <QSet>

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace hlscam {

namespace {

// Bounds for drivers that would list without end: real ones have a few dozen of each.
constexpr int kMaxControls = 1024;
constexpr qint64 kMaxMenuEntries = 256;

class DeviceFd {
public:
    explicit DeviceFd(const QString &device)
        : m_fd(::open(QFile::encodeName(device).constData(), O_RDWR | O_NONBLOCK | O_CLOEXEC))
    {}
    ~DeviceFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    DeviceFd(const DeviceFd &) = delete;
    DeviceFd &operator=(const DeviceFd &) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

Error openError(const QString &device, int error)
{
    const QString why = qt_error_string(error);
    switch (error) {
    case ENOENT:
    case ENODEV:
    case ENXIO: return {Fault::NoDevice, QStringLiteral("%1: %2 (unplugged?)").arg(device, why)};
    case EACCES:
    case EPERM:
        return {Fault::NoPermission, QStringLiteral("%1: %2 (is the service's user in group video?)").arg(device, why)};
    case EBUSY: return {Fault::Busy, QStringLiteral("%1: %2").arg(device, why)};
    default: return {Fault::Io, QStringLiteral("%1: %2").arg(device, why)};
    }
}

std::optional<ControlType> typeOf(quint32 v4l2Type)
{
    switch (v4l2Type) {
    case V4L2_CTRL_TYPE_INTEGER: return ControlType::Integer;
    case V4L2_CTRL_TYPE_BOOLEAN: return ControlType::Boolean;
    case V4L2_CTRL_TYPE_MENU: return ControlType::Menu;
    case V4L2_CTRL_TYPE_INTEGER_MENU: return ControlType::IntegerMenu;
    case V4L2_CTRL_TYPE_BUTTON: return ControlType::Button;
    case V4L2_CTRL_TYPE_INTEGER64: return ControlType::Integer64;
    case V4L2_CTRL_TYPE_BITMASK: return ControlType::Bitmask;
    default: return std::nullopt;  // classes, strings, compound types
    }
}

bool is64Bit(ControlType type) { return type == ControlType::Integer64; }

QList<ControlMenuEntry> menuEntries(int fd, const v4l2_query_ext_ctrl &qc, bool integers)
{
    QList<ControlMenuEntry> entries;
    for (qint64 i = qc.minimum; i <= qc.maximum && i - qc.minimum < kMaxMenuEntries; ++i) {
        v4l2_querymenu qm{};
        qm.id = qc.id;
        qm.index = quint32(i);
        if (xioctl(fd, VIDIOC_QUERYMENU, &qm) != 0)
            continue;  // drivers leave holes in menus (entries they do not support)
        entries.append({i, integers ? QString::number(qm.value)
                                    : QString::fromUtf8(reinterpret_cast<const char *>(qm.name),
                                                        qsizetype(qstrnlen(reinterpret_cast<const char *>(qm.name),
                                                                           sizeof(qm.name))))});
    }
    return entries;
}

std::optional<qint64> currentValue(int fd, quint32 id, ControlType type)
{
    v4l2_ext_control ctrl{};
    ctrl.id = id;
    v4l2_ext_controls ctrls{};
    ctrls.which = V4L2_CTRL_WHICH_CUR_VAL;
    ctrls.count = 1;
    ctrls.controls = &ctrl;
    if (xioctl(fd, VIDIOC_G_EXT_CTRLS, &ctrls) != 0)
        return std::nullopt;
    if (is64Bit(type))
        return qint64(ctrl.value64);
    // A bitmask is 32 bits unsigned (its top bit is no sign), the rest signed.
    return type == ControlType::Bitmask ? qint64(quint32(ctrl.value)) : qint64(ctrl.value);
}

Result<QList<CameraControl>> readFrom(int fd, const QString &device)
{
    QList<CameraControl> controls;
    QSet<QString> keys;
    v4l2_query_ext_ctrl qc{};
    qc.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    for (int n = 0; n < kMaxControls && xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &qc) == 0; ++n) {
        const quint32 id = qc.id;
        qc.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;  // the next one, whatever this is
        const std::optional<ControlType> type = typeOf(qc.type);
        if (!type || (qc.flags & (V4L2_CTRL_FLAG_DISABLED | V4L2_CTRL_FLAG_HAS_PAYLOAD)))
            continue;
        CameraControl c;
        c.id = id;
        c.name = QString::fromUtf8(qc.name, int(qstrnlen(qc.name, sizeof(qc.name))));
        c.key = controlKey(c.name);
        if (c.key.isEmpty() || keys.contains(c.key))
            c.key = (c.key.isEmpty() ? QStringLiteral("control") : c.key.left(53)) +
                    QStringLiteral("_%1").arg(id, 8, 16, QLatin1Char('0'));
        keys.insert(c.key);
        c.type = *type;
        c.minimum = qc.minimum;
        c.maximum = qc.maximum;
        c.step = qint64(qc.step);
        c.defaultValue = qc.default_value;
        c.readOnly = qc.flags & V4L2_CTRL_FLAG_READ_ONLY;
        c.inactive = qc.flags & V4L2_CTRL_FLAG_INACTIVE;
        if (c.type == ControlType::Menu || c.type == ControlType::IntegerMenu)
            c.menu = menuEntries(fd, qc, c.type == ControlType::IntegerMenu);
        if (c.type != ControlType::Button && !(qc.flags & V4L2_CTRL_FLAG_WRITE_ONLY))
            c.value = currentValue(fd, id, c.type);
        controls.append(c);
    }
    // The end of the list is EINVAL (ENOTTY: a driver with no controls); anything else failed.
    if (controls.isEmpty() && errno != EINVAL && errno != ENOTTY)
        return openError(device, errno);
    return controls;
}

}  // namespace

Result<QList<CameraControl>> readV4l2Controls(const QString &device)
{
    const DeviceFd fd(device);
    if (fd.get() < 0)
        return openError(device, errno);
    return readFrom(fd.get(), device);
}

Error writeV4l2Controls(const QString &device, const ControlValues &values)
{
    const DeviceFd fd(device);
    if (fd.get() < 0)
        return openError(device, errno);
    const Result<QList<CameraControl>> listed = readFrom(fd.get(), device);
    if (!listed.ok())
        return listed.error();
    std::vector<v4l2_ext_control> writes;
    QStringList order;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const CameraControl *c = findControl(listed.value(), it.key());
        if (!c)
            return {Fault::InvalidValue, QStringLiteral("%1: no such control on %2").arg(it.key(), device)};
        if (Error refused = checkControlValue(*c, it.value()))
            return refused;
        v4l2_ext_control w{};
        w.id = c->id;
        if (is64Bit(c->type))
            w.value64 = it.value();
        else
            w.value = qint32(it.value());
        writes.push_back(w);
        order << it.key();
    }
    if (writes.empty())
        return {};
    v4l2_ext_controls ctrls{};
    ctrls.which = V4L2_CTRL_WHICH_CUR_VAL;
    ctrls.count = quint32(writes.size());
    ctrls.controls = writes.data();
    if (xioctl(fd.get(), VIDIOC_S_EXT_CTRLS, &ctrls) == 0)
        return {};
    const int error = errno;
    // error_idx names the control the driver refused; count means the check before any write.
    const QString which =
        ctrls.error_idx < quint32(order.size()) ? order.at(int(ctrls.error_idx)) : order.join(QStringLiteral(", "));
    const QString why = qt_error_string(error);
    switch (error) {
    case EINVAL:
    case ERANGE:
    case EACCES: return {Fault::InvalidValue, QStringLiteral("%1: the driver refused the value (%2)").arg(which, why)};
    case EBUSY:
        return {Fault::Busy,
                QStringLiteral("%1: the driver cannot change it now (%2; while streaming?)").arg(which, why)};
    case ENODEV: return {Fault::NoDevice, QStringLiteral("%1: %2 (unplugged?)").arg(device, why)};
    default: return {Fault::Io, QStringLiteral("%1: %2").arg(which, why)};
    }
}

}  // namespace hlscam
