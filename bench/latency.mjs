// Glass-to-glass latency in a real browser, hlscam (WebRTC and LL-HLS) against the classic stack,
// in one run. All are fed the same stamped 640x360@25 test pattern; headless Chromium plays each
// one's page and reads the time code off the frame on screen (bench/stamp.mjs) every 200 ms.
//   hlscam:  the service with libx264 (the pattern is its own source), its viewer page with
//            ?mode=webrtc (WHEP), then ?mode=hls (hls.js), one service, one encoder.
//   classic: `hlscam pattern` | ffmpeg (the recipe's command line, libx264 ultrafast/zerolatency
//            standing in for the Pi's h264_omx) -> RTMP -> nginx + libnginx-mod-rtmp with the
//            recipe's HLS settings -> a page with a stock hls.js player.
// Then the service's own CPU and RSS with no viewer, 1 and 10 WebRTC pages, 1 and 10 LL-HLS pages.
// Usage: bench/latency [SECONDS]   (after ./scripts/setup; nginx comes from bench/nginx-rtmp)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startService, launchBrowser } from '../tests/browser/lib.mjs';
import { frameAgeMs } from './stamp.mjs';
import { root, startClassic, waitForSegments, sleep } from './classic.mjs';
import { cpuTicks, memoryKb } from './hlscam.mjs';

const seconds = Number(process.argv[2] || 30);
const opens = 6;  // times hlscam's page is opened for the first picture (the classic's: once)
const ticks = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// The browser context a viewer has: hlscam's Basic credentials sent with every request, as a
// browser does once the user has logged in. (Playwright's httpCredentials instead routes every
// request of the page through its own interception, which added tens of ms to each here.)
function viewerContext(browser, credentials, viewport) {
  const authorization = credentials &&
    'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return browser.newContext({ viewport, ...(authorization ? { extraHTTPHeaders: { Authorization: authorization } } : {}) });
}

// Opens `url` `opens` times, each in a new context (nothing cached but what the browser process
// keeps): how long until a frame with a readable time code is on screen. The last page then
// samples the time code for `seconds`. The first open is the browser's first use of the path
// (cold), the others are the page opened again.
async function measure(browser, url, credentials, opens) {
  const firstPictures = [];
  for (let i = 0; i < opens; ++i) {
    const context = await viewerContext(browser, credentials, { width: 800, height: 500 });
    const page = await context.newPage();
    const opened = Date.now();
    await page.goto(url);
    await page.waitForFunction(frameAgeMs, null, { timeout: 120000, polling: 20 });
    firstPictures.push(Date.now() - opened);
    if (i < opens - 1) {
      await context.close();
      await sleep(1000);  // the key frame a new viewer asks for is rate-limited (0.5 s)
      continue;
    }
    const ages = [];
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const age = await page.evaluate(frameAgeMs);
      if (age !== null) ages.push(age);
      await page.waitForTimeout(200);
    }
    mkdirSync(join(root, 'build/bench-output'), { recursive: true });
    await page.screenshot({ path: join(root, `build/bench-output/latency-${credentials ? 'hlscam-' + new URL(url).searchParams.get('mode') : 'classic'}.png`) });
    await context.close();
    ages.sort((a, b) => a - b);
    const again = firstPictures.slice(1).sort((a, b) => a - b);
    return { cold: firstPictures[0], again: again.length ? quantile(again, 0.5) : null,
             againMax: again.length ? again[again.length - 1] : null,
             samples: ages.length, median: quantile(ages, 0.5), p95: quantile(ages, 0.95) };
  }
}

// The service's own CPU (% of one core over `seconds`) and memory while `count` pages play `mode`
// (each page a real viewer: Chromium decodes every picture), once they all show a picture.
async function serviceLoad(pid, browser, url, credentials, mode, count) {
  const context = await viewerContext(browser, credentials, { width: 320, height: 200 });
  try {
    const pages = [];
    for (let i = 0; i < count; ++i) {
      const page = await context.newPage();
      await page.goto(`${url}/?cam=cam0&mode=${mode}`);
      pages.push(page);
    }
    for (const page of pages) await page.waitForFunction(frameAgeMs, null, { timeout: 60000, polling: 200 });
    await sleep(2000);
    const before = cpuTicks([pid]);
    await sleep(seconds * 1000);
    const cpu = (100 * (cpuTicks([pid]) - before)) / ticks / seconds;
    return { what: count ? `${count} ${mode === 'webrtc' ? 'WebRTC' : 'LL-HLS'}` : 'no viewer', cpu, rssMb: memoryKb([pid]).rss / 1024 };
  } finally {
    await context.close();
  }
}

async function hlscam(browser) {
  const service = await startService({
    config: '[camera.cam0]\ndevice = testpattern\nwidth = 640\nheight = 360\nfps = 25\nbitrate = 800\n' +
            'encoder = libx264\n[webrtc]\nudp_port = 0\nmax_sessions_per_address = 16\n' });
  try {
    const authorization = 'Basic ' + Buffer.from(`${service.user}:${service.password}`).toString('base64');
    await waitForSegments(service.url + '/cam/cam0/index.m3u8', authorization, 4, /^seg\d+\.m4s/m, 30000);
    const credentials = { username: service.user, password: service.password };
    const webrtc = await measure(browser, service.url + '/?cam=cam0&mode=webrtc', credentials, opens);
    const hls = await measure(browser, service.url + '/?cam=cam0&mode=hls', credentials, opens);
    const load = [await serviceLoad(service.pid, browser, service.url, credentials, null, 0)];
    for (const mode of ['webrtc', 'hls'])
      for (const count of [1, 10]) load.push(await serviceLoad(service.pid, browser, service.url, credentials, mode, count));
    return { webrtc, hls, load };
  } finally {
    await service.stop();
  }
}

async function classic(browser) {
  const stack = await startClassic();
  try {
    // Like a viewer who arrives at a stream that has been running (and because the stock player
    // gives up on the 404 of a playlist that does not exist yet): wait for 4 segments. Each takes
    // a whole GOP, 10 s with ffmpeg's default of 250 frames, whatever hls_fragment says.
    const started = Date.now();
    await waitForSegments(stack.playlist, undefined, 4, /\.ts$/m, 90000);
    console.log(`classic stack: 4 segments ${Date.now() - started} ms after ffmpeg started`);
    return await measure(browser, stack.url + '/', undefined, 1);  // each open waits for its buffer: tens of seconds
  } finally {
    await stack.stop();
  }
}

const browser = await launchBrowser();
try {
  console.log(`measuring ${seconds} s each: hlscam, then the classic stack`);
  const a = await hlscam(browser);
  const b = await classic(browser);
  const cell = (v, width) => String(v ?? '–').padStart(width);
  const row = (name, r) => console.log(`${name.padEnd(26)} ${cell(r.median, 8)} ${cell(r.p95, 8)} ${cell(r.cold, 10)} ` +
                                       `${cell(r.again, 10)} ${cell(r.againMax, 10)} ${cell(r.samples, 8)}`);
  console.log(`${''.padEnd(26)} ${'glass-to-glass'.padStart(17)} ${'first picture after the page opens'.padStart(32)}`);
  console.log(`${'ms'.padEnd(26)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'first'.padStart(10)} ` +
              `${`again, med`.padStart(10)} ${'again, max'.padStart(10)} ${'samples'.padStart(8)}`);
  row('hlscam (WebRTC, WHEP)', a.webrtc);
  row('hlscam (LL-HLS, hls.js)', a.hls);
  row('classic (nginx-rtmp)', b);
  console.log(`(first: the browser's first page of that kind; again: the page opened ${opens - 1} more times)`);
  console.log(`classic / hlscam LL-HLS: median ${(b.median / a.hls.median).toFixed(1)}x, p95 ${(b.p95 / a.hls.p95).toFixed(1)}x`);
  console.log(`\nhlscam's own load (${seconds} s each)      CPU % of a core   RSS MB`);
  for (const l of a.load) console.log(`${l.what.padEnd(36)} ${l.cpu.toFixed(1).padStart(12)} ${l.rssMb.toFixed(1).padStart(8)}`);
  console.log(`goals: WebRTC median <= 300 ms, p95 <= 400 ms, first picture <= 500 ms; ` +
              `LL-HLS median <= 1500 ms, p95 <= 2000 ms, first picture <= 1500 ms`);
} finally {
  await browser.close();
}
