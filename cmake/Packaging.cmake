# The Debian package (cpack -G DEB, or scripts/package for a release build): the service binary,
# the FFmpeg module it loads for cameras and files (${CMAKE_INSTALL_LIBDIR}/hlscam/, installed by
# ffmpeg/CMakeLists.txt), its systemd unit, the default configuration (a conffile), the fail2ban filter and jail example,
# the manual page, and maintainer scripts that create the hlscam user and enable the service.
include(GNUInstallDirs)

set(HLSCAM_PACKAGE_MAINTAINER "hlscam developers <hlscam@example.org>"
    CACHE STRING "Maintainer field of the .deb")
set(_res ${PROJECT_SOURCE_DIR}/resources)
set(_deb ${_res}/debian)
set(_gen ${PROJECT_BINARY_DIR}/package)

# Debian wants the manual page and changelog (a native package: changelog.gz) compressed, reproducibly (-n: no name or time).
file(MAKE_DIRECTORY ${_gen})
foreach(_pair "hlscam.1.gz|${_res}/hlscam.1" "changelog.gz|${_deb}/changelog" "README.md.gz|${PROJECT_SOURCE_DIR}/README.md")
  string(REPLACE "|" ";" _pair "${_pair}")
  list(GET _pair 0 _out)
  list(GET _pair 1 _in)
  add_custom_command(OUTPUT ${_gen}/${_out}
    COMMAND gzip -9n -c ${_in} > ${_gen}/${_out}
    DEPENDS ${_in} VERBATIM)
  list(APPEND _gzipped ${_gen}/${_out})
endforeach()
add_custom_target(package_docs ALL DEPENDS ${_gzipped})

# Debian 12 keeps units and the system paths outside /usr (the merged-/usr move comes later).
install(FILES ${_res}/hlscam.service DESTINATION /lib/systemd/system)
install(FILES ${_res}/hlscam.conf DESTINATION /etc/hlscam)
install(FILES ${_res}/fail2ban/filter.d/hlscam.conf DESTINATION /etc/fail2ban/filter.d)
install(FILES ${_res}/fail2ban/jail.d/hlscam.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/fail2ban RENAME jail.conf)
install(FILES ${_gen}/hlscam.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_gen}/changelog.gz ${_gen}/README.md.gz ${_deb}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${_deb}/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME hlscam)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hlscam)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_CONTACT "${HLSCAM_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "camera streaming service: V4L2 to Low-Latency HLS")
# CPack writes the summary as the first line and indents each line of this one.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "hlscam captures a V4L2 camera (or shows a test pattern when there is none),
encodes it to H.264 with the camera's own encoder, the board's or libx264,
and serves Low-Latency HLS from memory to browsers, VLC, mpv and Safari,
about a second behind real time. Users with hashed passwords, roles, URL
tokens and fail2ban-style banning are built in: one service instead of
nginx-rtmp, ffmpeg, htpasswd and fail2ban glued together.")
# Libraries found by dpkg-shlibdeps in the binary (Qt, libx264, libyuv, TurboJPEG) and in the
# FFmpeg module (libavformat, libavcodec, libswscale), plus what the maintainer scripts call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "fail2ban")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_deb}/postinst;${_deb}/prerm;${_deb}/postrm;${_deb}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
