#!/usr/bin/env bash
# A USB webcam on uvcvideo, the driver of real webcams: uvc_gadget (gadgetfs on dummy_hcd) plays
# a camera with one MJPEG mode; `hlscam devices` lists it and `hlscam serve` streams it, read by
# ffprobe on the host at the configured size.
source "$(dirname "$0")/lib.sh"
: "${HLSCAM_UVC_GADGET:?set by ctest: the uvc_gadget test program}"

ffmpeg -v error -f lavfi -i testsrc2=size=640x480:rate=1 -frames:v 1 -q:v 5 -y "$TEST_DIR/frame.jpg" ||
  fail "ffmpeg could not make the camera's JPEG frame"
write_config /dev/video0 640 480 25 '[auth]
anonymous = viewer'
# In the VM: plug the webcam in (the gadget answers the host's control requests in real time,
# hence the real-time priority), wait for uvcvideo's node, list it, serve it.
cat >"$TEST_DIR/in-vm.sh" <<EOF
set -e
mkdir -p /dev/gadget
mount -t gadgetfs gadgetfs /dev/gadget
# A probe uvcvideo gave up on (see README.md) is retried by plugging the camera in again.
for attempt in 1 2 3; do
  chrt -f 50 "$HLSCAM_UVC_GADGET" "$TEST_DIR/frame.jpg" 640 480 25 &
  gadget=\$!
  for i in \$(seq 1 30); do [ -e /sys/class/video4linux/video0/name ] && break 2; sleep 0.5; done
  echo "attempt \$attempt: no video node; \$(dmesg | grep -i uvc | tail -n 2)"
  kill \$gadget && wait \$gadget || true
done
echo "driver: \$(basename "\$(readlink -f /sys/class/video4linux/video0/device/driver)")"
"$HLSCAM_BINARY" devices
echo "devices: done"
exec "$HLSCAM_BINARY" serve --config "$TEST_DIR/hlscam.conf" --state-dir "$TEST_DIR/state"
EOF

port=$(free_port)
vm_start --forward "$port:8080" --modprobe dummy_hcd --modprobe uvcvideo --modprobe gadgetfs --timeout 240 -- \
  bash "$TEST_DIR/in-vm.sh"

# The device list first: a missing camera fails here, not after the playlist's wait.
wait_until 120 "hlscam devices in the VM" log_has '^devices: done'
devices=$(sed -n '1,/^devices: done/p' "$VM_LOG")
expect_match "$devices" '^driver: uvcvideo$' "/dev/video0 is uvcvideo's"
expect_match "$devices" '^/dev/video0 +UVC Camera' "hlscam devices lists the USB webcam"
expect_match "$devices" '^ +MJPG .*640x480' "hlscam devices lists its MJPEG size"

expect_cam0_streams "$port" 640 480
