# Cross-compiling for arm64 (aarch64) Debian 12 / Raspberry Pi OS 64-bit from an amd64 Debian 12
# with multiarch: the cross compiler from crossbuild-essential-arm64, the target's libraries and
# headers from the :arm64 -dev packages (in /usr/lib/aarch64-linux-gnu and /usr/include), and Qt's
# host tools (moc, rcc) from the amd64 Qt. scripts/cross-arm64 sets up such a system in a chroot and
# uses this file:
#   cmake -S . -B build -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Multiarch: the target's files are under the same /usr as the host's, in their own triplet folders.
# Programs (moc, rcc, pkg-config) are the build machine's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# pkg-config sees the arm64 .pc files only (the amd64 ones would give x86_64 library paths).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Qt 6 cross builds: the arm64 Qt's CMake packages come from the target, the *Tools packages (moc,
# rcc, their CMake files) from the host (amd64) Qt.
set(QT_HOST_PATH "/usr" CACHE PATH "Host Qt prefix")
set(QT_HOST_PATH_CMAKE_DIR "/usr/lib/x86_64-linux-gnu/cmake" CACHE PATH "Host Qt CMake packages")

# Test executables run under qemu-user (no binfmt needed): ctest and add_test(COMMAND target) put
# this in front of them. The arm64 dynamic loader and libraries are found under / (multiarch).
# QEMU 8 or later: 7.2 (bookworm's) rejects clone(CLONE_PIDFD), which QProcess uses.
find_program(_hlscam_qemu NAMES qemu-aarch64 qemu-aarch64-static NO_CACHE)
if(_hlscam_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_hlscam_qemu};-L;/")
endif()

# The .deb (CPack): arm64, and dpkg-shlibdeps reads the arm64 libraries' shlibs/symbols files.
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64 CACHE STRING "Debian architecture of the package")
