#!/usr/bin/env bash
# The kernel's vivid driver as a webcam: `hlscam devices` lists it with its formats and sizes,
# and `hlscam serve` streams it; ffprobe on the host reads the stream at the configured size.
source "$(dirname "$0")/lib.sh"

write_config /dev/video0 640 360 25 '[auth]
anonymous = viewer'

port=$(free_port)
# One boot for both: the device list first (into the log), then the service.
vm_start --forward "$port:8080" --modprobe "$VIVID_WEBCAM" --timeout 240 -- \
  sh -c '"$1" devices && echo "devices: done" && exec "$1" serve --config "$2" --state-dir "$3"' \
  sh "$HLSCAM_BINARY" "$TEST_DIR/hlscam.conf" "$TEST_DIR/state"

# The device list first: a missing camera fails here, not after the playlist's wait.
wait_until 120 "hlscam devices in the VM" log_has '^devices: done'
devices=$(sed -n '1,/^devices: done/p' "$VM_LOG")
expect_match "$devices" '^/dev/video0 +vivid ' "hlscam devices lists vivid"
for format in YUYV NV12; do
  expect_match "$devices" "^ +$format .*320x180 640x360 640x480 1280x720 1920x1080" \
    "hlscam devices lists vivid's $format sizes"
done

expect_cam0_streams "$port" 640 360
