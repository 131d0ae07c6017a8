// What a camera's `device` may be when it is chosen over the network (the admin API, the desktop
// app) rather than in the config file: an admin's password in a hostile page's hands must not
// turn the camera into a viewer of the board's files (a text file rendered as video shows its
// secrets), nor into an oracle of which paths exist.
#pragma once

#include "Error.h"

#include <QString>

namespace hlscam {

// No error when `device` may be set through the API: auto, testpattern, rpicam (rpicam-vid with
// arguments made of numbers), a V4L2 device node (also through /dev/v4l/by-id or by-path links:
// stat() follows them to the node, whose major must be video4linux's), a by-id or by-path name
// that is not there now (an unplugged camera), or a regular file inside `mediaDir` (empty:
// none), named by its absolute path. Never an exec: command. Otherwise Fault::Config with one
// refusal, the same whether the path is missing or forbidden.
Error refuseApiDevice(const QString &device, const QString &mediaDir);

// Whether `path` is a V4L2 device node (a character device of the video4linux major).
bool isVideoDevice(const QString &path);

}  // namespace hlscam
