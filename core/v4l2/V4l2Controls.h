// A V4L2 device's controls, read and written through a file descriptor of its own: V4L2 lets a
// second open() of a device change its controls while another descriptor streams, so this
// needs nothing of the capture source. Each call opens the device, does its ioctls and closes
// it again, so an unplugged camera leaves nothing held.
#pragma once

#include "camera/CameraControl.h"

namespace hlscam {

// The controls of `device` (a /dev node or a link to one) with their current values: classes
// and disabled controls left out, and compound ones (strings, arrays) too, which the API does
// not set. Two controls whose names give the same key get their id appended to the second's.
Result<QList<CameraControl>> readV4l2Controls(const QString &device);

// Writes `values` by key in one VIDIOC_S_EXT_CTRLS, which the kernel checks whole before it
// sets any: all are applied or none. Each value is checked first (checkControlValue); an
// unknown key is an InvalidValue error naming it.
Error writeV4l2Controls(const QString &device, const ControlValues &values);

}  // namespace hlscam
