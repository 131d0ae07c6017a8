#!/usr/bin/env bash
# Native V4L2 capture on the kernel's vivid driver (no FFmpeg for a camera): four vivid webcams
# streamed at once, in YUYV and in NV12 at the configured size, and at a size vivid cannot give
# (480x480, square: vivid's closest larger mode is 640x480) with fit = crop and with fit = pad.
# From the host: ffprobe reads each stream at the configured size, and vivid's eight colour bars
# keep their widths (a stretched picture would put the edges elsewhere). vivid told to drop a
# quarter of its buffers: /metrics counts the gaps in its sequence numbers. In the VM: the
# service's /proc/PID/maps has no FFmpeg module and no libavcodec.
source "$(dirname "$0")/lib.sh"

cat >"$TEST_DIR/hlscam.conf" <<EOF2
[server]
listen = 0.0.0.0:8080
announce = false
metrics_token = vm-test-vm-test-vm-test
[camera.yuyv]
device = /dev/video0
width = 640
height = 360
fps = 25
format = yuyv
[camera.nv12]
device = /dev/video1
width = 640
height = 360
fps = 10
format = nv12
[camera.crop]
device = /dev/video2
width = 480
height = 480
fps = 10
fit = crop
[camera.pad]
device = /dev/video3
width = 480
height = 480
fps = 10
fit = pad
[auth]
anonymous = viewer
EOF2

# In the VM: the service, and once it streams, which FFmpeg libraries it has mapped.
cat >"$TEST_DIR/in-vm.sh" <<'EOF2'
v4l2-ctl -d /dev/video1 -c percentage_of_dropped_buffers=25 || echo "vivid has no dropped-buffers control"
"$1" serve --config "$2" --state-dir "$3" &
pid=$!
for i in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/cam/yuyv/index.m3u8)" = 200 ] && break
  sleep 0.5
done
sleep 2
echo "maps: $(grep -cE 'hlscam_ffmpeg|libavcodec|libavformat|libavdevice|libswscale' /proc/$pid/maps) FFmpeg mappings of $(wc -l </proc/$pid/maps)"
grep -E 'hlscam_ffmpeg|libav|libswscale' /proc/$pid/maps | awk '{print "maps: " $6}' | sort -u
echo "maps: done"
wait $pid
EOF2

port=$(free_port)
vm_start --forward "$port:8080" --modprobe 'vivid n_devs=4 node_types=0x1,0x1,0x1,0x1 input_types=0x0,0x0,0x0,0x0' \
  --memory 1536 --timeout 280 -- sh "$TEST_DIR/in-vm.sh" "$HLSCAM_BINARY" "$TEST_DIR/hlscam.conf" "$TEST_DIR/state"

base="http://127.0.0.1:$port/cam"
wait_until 180 "the yuyv camera's playlist on the host port" http_ok "$base/yuyv/index.m3u8"
wait_until 60 "the maps line" grep -q '^maps: done' "$VM_LOG"
log=$(cat "$VM_LOG")
expect_match "$log" '^maps: 0 FFmpeg mappings' "the service streaming a camera maps no FFmpeg library"
expect_match "$log" '/dev/video0 .*the camera gives YUYV 640x360@25 - sending 640x360$' "yuyv: negotiated as asked"
expect_match "$log" '/dev/video1 .*in nv12 - the camera gives NV12 640x360@10 - sending 640x360$' "nv12: negotiated"
expect_match "$log" '/dev/video2 .*the camera gives YUYV 640x480@10 - sending 480x480 \(480x480 of the picture' \
  "crop: the closest larger mode, cut"
expect_match "$log" '/dev/video3 .*the camera gives YUYV 640x480@10 - sending 480x480 \(the picture scaled to 480x360' \
  "pad: the closest larger mode, with bars"

for cam in yuyv:640,360 nv12:640,360 crop:480,480 pad:480,480; do
  name=${cam%%:*}
  wait_until 60 "the $name camera's playlist" http_ok "$base/$name/index.m3u8"
  probe=$(probe_video "$base/$name/index.m3u8" "$name")
  expect_eq "$probe" "h264,${cam#*:}" "ffprobe on the host, $name: codec, width, height"
  say "$name: $probe"
done

# vivid's 75 % colour bars: eight bars, 80 pixels each at 640 wide. Cropped to 480x480 the
# middle 480 columns remain: edges at 80, 160, ... 400 (stretched, they would be 60 apart).
# Padded, the 640x480 picture is 480x360 at y = 60: edges every 60 pixels, black above and below.
edges() { # NAME -> "edges: X X X ...; top: LUMA; middle: LUMA"
  timeout 60 ffmpeg -v error -rw_timeout 20000000 -i "$base/$1/index.m3u8" -frames:v 1 -f rawvideo -pix_fmt gray \
    -y "$TEST_DIR/$1.gray" || fail "ffmpeg could not take a frame of $1"
  python3 - "$TEST_DIR/$1.gray" 480 480 <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
w, h = int(sys.argv[2]), int(sys.argv[3])
rows = range(h // 2 - 20, h // 2 + 20)
col = [sum(data[r * w + x] for r in rows) / len(rows) for x in range(w)]
edges, x = [], 4
while x < w - 4:
    if abs(col[x + 3] - col[x - 3]) > 8:
        # The steepest column of this step.
        end = x
        while end < w - 4 and abs(col[end + 3] - col[end - 3]) > 8:
            end += 1
        edges.append(max(range(x, end), key=lambda i: abs(col[i + 1] - col[i - 1])))
        x = end + 4
    else:
        x += 1
top = sum(data[2 * w + x] for x in range(w)) / w
print("edges: " + " ".join(map(str, edges)) + "; top: %d; middle: %d" % (top, col[w // 2]))
PY
}
near() { # ACTUAL... -- EXPECTED...: each expected edge within 4 pixels of one found, and as many
  python3 - "$@" <<'PY'
import sys
i = sys.argv.index('--')
got, want = [int(v) for v in sys.argv[1:i]], [int(v) for v in sys.argv[i + 1:]]
ok = len(got) == len(want) and all(abs(g - e) <= 4 for g, e in zip(got, want))
sys.exit(0 if ok else 1)
PY
}
crop=$(edges crop)
say "crop: $crop"
near $(sed 's/^edges: \([0-9 ]*\);.*/\1/' <<<"$crop") -- 80 160 240 320 400 ||
  fail "crop: vivid's bars are not 80 pixels wide at 80..400: $crop"
pad=$(edges pad)
say "pad: $pad"
near $(sed 's/^edges: \([0-9 ]*\);.*/\1/' <<<"$pad") -- 60 120 180 240 300 360 420 ||
  fail "pad: vivid's bars are not 60 pixels wide: $pad"
expect_match "$pad" 'top: [0-9];' "pad: black above the picture (0 in ffmpeg's full-range grey)"
# Dropped frames: vivid drops about a quarter of /dev/video1's buffers, its sequence numbers go on.
metrics() { curl -s -m 5 -H 'Authorization: Bearer vm-test-vm-test-vm-test' "http://127.0.0.1:$port/metrics"; }
sample() { metrics | awk -v m="$1{camera=\"$2\"}" '$1 == m {print $2}'; }
dropped=$(sample hlscam_camera_frames_dropped_total nv12)
frames=$(sample hlscam_encoder_frames_total nv12)
say "nv12: $frames frames, $dropped dropped"
[ -n "$dropped" ] && [ -n "$frames" ] || fail "no frame counts for nv12 in /metrics: $(metrics | grep nv12)"
# At least vivid's share; more when the VM's CPU cannot keep up (TCG on a busy host), as then
# vivid finds no free buffer either and its sequence goes on.
python3 -c "import sys; d, f = int(sys.argv[1]), int(sys.argv[2]); sys.exit(0 if d / (d + f) >= 0.1 else 1)" \
  "$dropped" "$frames" || fail "nv12: $dropped of $((dropped + frames)) frames counted as dropped, vivid drops 25 %"
say "ok"
