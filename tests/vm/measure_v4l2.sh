#!/usr/bin/env bash
# Figures for native V4L2 capture, measured in one VM run on vivid (run by hand, not by ctest:
# TCG makes the numbers slow but the ratios hold): the service's RSS streaming a YUYV camera
# 640x360@25 against the test pattern at the same size and rate, and its CPU time against
# `ffmpeg -f v4l2 ... -c:v libx264` with the settings hlscam uses (ultrafast, zerolatency, ABR
# 800 kbit/s with a one-second VBV, a key frame per second, fMP4 HLS of 1 s segments).
# Under TCG a 25 fps stream saturates the VM's CPU (then both drop frames and the figures are
# throughput); a lower FPS compares the cost of each frame without that.
#   HLSCAM_BINARY=build/app/hlscam HLSCAM_VM_SCRIPT=scripts/vm tests/vm/measure_v4l2.sh [SECONDS [FPS]]
source "$(dirname "$0")/lib.sh"
seconds=${1:-20}
fps=${2:-25}

cat >"$TEST_DIR/camera.conf" <<EOF2
[server]
listen = 127.0.0.1:8080
announce = false
metrics_token = measure-measure-measure
[camera.cam0]
device = /dev/video0
width = 640
height = 360
fps = $fps
format = yuyv
EOF2
sed 's|^device = /dev/video0|device = testpattern|; /^format/d' "$TEST_DIR/camera.conf" >"$TEST_DIR/pattern.conf"

cat >"$TEST_DIR/in-vm.sh" <<'EOF2'
bin=$1 dir=$2 seconds=$3 fps=$4
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
metric() { curl -s -H 'Authorization: Bearer measure-measure-measure' http://127.0.0.1:8080/metrics |
  awk -v m="$1" '$1 ~ "^" m "\\{" {print $2}'; }
measure_hlscam() { # NAME CONFIG
  rm -rf "$dir/state"
  "$bin" serve --config "$2" --state-dir "$dir/state" >"/tmp/$1.log" 2>&1 &
  local pid=$!
  for i in $(seq 1 120); do [ "$(metric hlscam_camera_streaming)" = 1 ] && break; sleep 0.5; done
  sleep 5
  local t0 f0 t1 f1
  t0=$(ticks $pid) f0=$(metric hlscam_encoder_frames_total)
  sleep "$seconds"
  t1=$(ticks $pid) f1=$(metric hlscam_encoder_frames_total)
  echo "$1: cpu $(( (t1 - t0) * 1000 / hz )) ms in ${seconds} s, frames $((f1 - f0)), dropped by the driver $(metric hlscam_camera_frames_dropped_total), $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' '), ffmpeg mappings $(grep -cE 'libavcodec|hlscam_ffmpeg' /proc/$pid/maps)"
  kill $pid; wait $pid 2>/dev/null
}
measure_hlscam hlscam-yuyv "$dir/camera.conf"
measure_hlscam hlscam-pattern "$dir/pattern.conf"

mkdir -p /tmp/ff
ffmpeg -nostdin -v error -f v4l2 -input_format yuyv422 -video_size 640x360 -framerate "$fps" -i /dev/video0 \
  -c:v libx264 -preset ultrafast -tune zerolatency -b:v 800k -maxrate 800k -bufsize 800k -g "$fps" -keyint_min "$fps" \
  -pix_fmt yuv420p -f hls -hls_time 1 -hls_segment_type fmp4 -hls_list_size 6 -hls_flags delete_segments \
  -progress /tmp/ff/progress /tmp/ff/index.m3u8 &
pid=$!
frames() { sed -n 's/^frame=//p' /tmp/ff/progress 2>/dev/null | tail -n1; }
for i in $(seq 1 120); do [ "${frames:-0}" -gt 0 ] 2>/dev/null && break; frames=$(frames); sleep 0.5; done
sleep 5
t0=$(ticks $pid) f0=$(frames)
sleep "$seconds"
t1=$(ticks $pid) f1=$(frames)
echo "ffmpeg-libx264: cpu $(( (t1 - t0) * 1000 / hz )) ms in ${seconds} s, frames $((f1 - f0)), $(grep VmRSS /proc/$pid/status | tr -s ' \t' ' ')"
kill $pid; wait $pid 2>/dev/null
exit 0  # ffmpeg ends with 255 when it is stopped
EOF2

vm_run --modprobe "$VIVID_WEBCAM" --memory 1024 --timeout 280 -- \
  sh "$TEST_DIR/in-vm.sh" "$HLSCAM_BINARY" "$TEST_DIR" "$seconds" "$fps" | tee "$TEST_DIR/figures.txt"
awk '/^hlscam-yuyv:/ {h = $3; hf = $9 + 0} /^ffmpeg-libx264:/ {f = $3; ff = $9 + 0}
     END { if (f > 0 && hf > 0 && ff > 0) printf "cpu per frame: hlscam %.1f ms, ffmpeg %.1f ms, ratio %.2f\n", h / hf, f / ff, (h / hf) / (f / ff) }' \
  "$TEST_DIR/figures.txt"
