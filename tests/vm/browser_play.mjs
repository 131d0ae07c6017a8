// Headless Chromium on the host plays a camera of a service in the VM through the viewer page
// (for test_browser.sh): frames decoded at the camera's size, time advancing, vivid's colour bars
// at their widths in the decoded picture, and a screenshot of the page.
//   node browser_play.mjs URL USER PASSWORD MODE SCREENSHOT     (MODE: hls or webrtc)
// Prints one line of figures; exits 1 with the reason when a check fails.
import { chromium } from 'playwright-core';

const [url, user, password, mode, screenshot] = process.argv.slice(2);
const path = { hls: 'LL-HLS', webrtc: 'WebRTC' }[mode];
if (!screenshot || !path) {
  console.error('usage: node browser_play.mjs URL USER PASSWORD hls|webrtc SCREENSHOT');
  process.exit(2);
}

// Runs in the page: what the video element shows now.
function videoState() {
  const v = document.querySelector('#video');
  const q = v.getVideoPlaybackQuality();
  return { t: v.currentTime, w: v.videoWidth, h: v.videoHeight, frames: q.totalVideoFrames,
           dropped: q.droppedVideoFrames, path: document.querySelector('#path').textContent,
           status: document.querySelector('#status').textContent };
}

// Runs in the page: the columns where the colour steps along the middle rows of the decoded
// picture (vivid's eight 75 % bars: 80, 160, ... 560 at 640 wide; stretched, they would move).
// Colour, not luma: green and magenta are about as bright.
function barEdges() {
  const v = document.querySelector('#video');
  const w = v.videoWidth;
  const h = v.videoHeight;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(v, 0, 0, w, h);
  const rows = 40;
  const pixels = ctx.getImageData(0, (h >> 1) - rows / 2, w, rows).data;
  const col = [];  // mean [r, g, b] of each column
  for (let x = 0; x < w; ++x) {
    const sum = [0, 0, 0];
    for (let r = 0; r < rows; ++r)
      for (let c = 0; c < 3; ++c) sum[c] += pixels[(r * w + x) * 4 + c];
    col.push(sum.map((s) => s / rows));
  }
  const step = (a, b) => Math.abs(col[a][0] - col[b][0]) + Math.abs(col[a][1] - col[b][1]) + Math.abs(col[a][2] - col[b][2]);
  const edges = [];
  for (let x = 4; x < w - 4;) {
    if (step(x + 3, x - 3) <= 24) { ++x; continue; }
    let end = x;
    while (end < w - 4 && step(end + 3, end - 3) > 24) ++end;
    let best = x;
    for (let i = x; i < end; ++i)
      if (step(i + 1, i - 1) > step(best + 1, best - 1)) best = i;
    edges.push(best);
    x = end + 4;
  }
  return edges;
}

function check(condition, message) {
  if (!condition) {
    console.error(`browser (${mode}): ${message}`);
    process.exitCode = 1;
  }
  return condition;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const context = await browser.newContext({ httpCredentials: { username: user, password },
                                             viewport: { width: 800, height: 520 } });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text()));
  // The page gives WebRTC 3 s to show a picture (then ?mode=webrtc says so and stops); under
  // TCG the VM's one CPU is busy encoding and the DTLS handshake can take longer, so the page is
  // loaded again, up to 3 times.
  const tries = mode === 'webrtc' ? 3 : 1;
  let asked = 0;
  let attempt = 0;
  for (let playing = false; !playing;) {
    ++attempt;
    asked = Date.now();
    const response = await page.goto(`${url}/?cam=cam0&mode=${mode}`);
    check(response.status() === 200, `the page answered ${response.status()}`);
    try {
      await page.waitForFunction(() => document.querySelector('#video').currentTime > 0 ||
                                       document.querySelector('#bar').dataset.state === 'error',
                                 null, { timeout: 30000 });
    } catch {}
    const s = await page.evaluate(videoState);
    playing = s.t > 0;
    if (!playing && attempt >= tries) {
      check(false, `no picture within ${attempt} tries (status '${s.status}', path '${s.path}'; console: ${consoleLines.join(' | ')})`);
      process.exit();
    }
  }
  const firstPictureMs = Date.now() - asked;
  const a = await page.evaluate(videoState);
  await page.waitForTimeout(3000);
  const b = await page.evaluate(videoState);
  const edges = await page.evaluate(barEdges);
  await page.screenshot({ path: screenshot });
  const advanced = b.t - a.t;
  const decoded = b.frames - a.frames;
  console.log(`browser (${mode}): first picture after ${firstPictureMs} ms (try ${attempt}); in 3 s the video advanced ` +
              `${advanced.toFixed(2)} s and decoded ${decoded} frames (${b.dropped} dropped in all); ` +
              `${b.w}x${b.h}; path ${b.path}; bar edges ${edges.join(' ')}`);
  check(b.path === path, `the page plays over '${b.path}', not ${path}`);
  check(b.w === 640 && b.h === 360, `the video is ${b.w}x${b.h}, not 640x360`);
  check(advanced >= 1.5, `the video advanced ${advanced.toFixed(2)} s in 3 s`);
  // Under TCG the VM encodes fewer than 25 frames a second; a picture every half second at least.
  check(decoded >= 6, `${decoded} frames decoded in 3 s`);
  const want = [80, 160, 240, 320, 400, 480, 560];
  check(edges.length === want.length && edges.every((x, i) => Math.abs(x - want[i]) <= 4),
        `vivid's bars are not 80 pixels wide (edges at ${edges.join(' ')}, expected ${want.join(' ')})`);
  await context.close();
} finally {
  await browser.close();
}
