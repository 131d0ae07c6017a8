// ioctl on a V4L2 device, tried again when a signal interrupts it (drivers give EINTR).
#pragma once

#include <sys/ioctl.h>

#include <cerrno>

namespace hlscam {

inline int xioctl(int fd, unsigned long request, void *arg)
{
    int r = 0;
    do {
        r = ::ioctl(fd, request, arg);
    } while (r == -1 && errno == EINTR);
    return r;
}

}  // namespace hlscam
