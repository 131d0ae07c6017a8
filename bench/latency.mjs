// Glass-to-glass latency in a real browser, hlscam against the classic stack, in one run.
// Both are fed the same stamped 640x360@25 test pattern; headless Chromium plays each one's
// page and reads the time code off the frame on screen (bench/stamp.mjs) every 200 ms.
//   hlscam:  the service with libx264 (the pattern is its own source), its viewer page.
//   classic: `hlscam pattern` | ffmpeg (the recipe's command line, libx264 ultrafast/zerolatency
//            standing in for the Pi's h264_omx) -> RTMP -> nginx + libnginx-mod-rtmp with the
//            recipe's HLS settings -> a page with a stock hls.js player.
// Usage: bench/latency [SECONDS]   (after ./scripts/setup; nginx comes from bench/nginx-rtmp)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { startService, launchBrowser } from '../tests/browser/lib.mjs';
import { frameAgeMs } from './stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] || 30);
const binary = process.env.HLSCAM_BINARY;
const [nginxBinary, rtmpModule] = execFileSync(join(root, 'bench/nginx-rtmp')).toString().trim().split('\n');

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// Opens `url`, waits for the first frame with a readable time code, then samples for `seconds`.
async function measure(browser, url, credentials) {
  const context = await browser.newContext({ httpCredentials: credentials, viewport: { width: 800, height: 500 } });
  const page = await context.newPage();
  const opened = Date.now();
  await page.goto(url);
  await page.waitForFunction(frameAgeMs, null, { timeout: 120000, polling: 50 });
  const firstPicture = Date.now() - opened;
  const ages = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    const age = await page.evaluate(frameAgeMs);
    if (age !== null) ages.push(age);
    await page.waitForTimeout(200);
  }
  mkdirSync(join(root, 'build/bench-output'), { recursive: true });
  await page.screenshot({ path: join(root, `build/bench-output/latency-${credentials ? 'hlscam' : 'classic'}.png`) });
  await context.close();
  ages.sort((a, b) => a - b);
  return { firstPicture, samples: ages.length, median: quantile(ages, 0.5), p95: quantile(ages, 0.95) };
}

// Polls a playlist until it lists `count` segments (lines matching `segment`).
async function waitForSegments(url, authorization, count, segment, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const text = await fetch(url, { headers: authorization ? { Authorization: authorization } : {} })
      .then((r) => (r.ok ? r.text() : ''), () => '');
    if (text.split('\n').filter((l) => segment.test(l)).length >= count) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${url}: fewer than ${count} segments after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function hlscam(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'hlscam-latency-'));
  writeFileSync(join(dir, 'hlscam.conf'),
                '[camera.cam0]\ndevice = testpattern\nwidth = 640\nheight = 360\nfps = 25\nbitrate = 800\nencoder = libx264\n');
  const service = await startService({ args: ['--config', join(dir, 'hlscam.conf')] });
  try {
    const authorization = 'Basic ' + Buffer.from(`${service.user}:${service.password}`).toString('base64');
    await waitForSegments(service.url + '/cam/cam0/index.m3u8', authorization, 4, /^seg\d+\.m4s/m, 30000);
    return await measure(browser, service.url + '/', { username: service.user, password: service.password });
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function stop(child) {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');  // our own PID
}

async function classic(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'classic-latency-'));
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  for (const d of ['hls', 'www', 'www/js', 'logs']) mkdirSync(join(dir, d));
  // Not at /hls.min.js: the recipe's `location /hls` would take it.
  copyFileSync(join(root, 'node_modules/hls.js/dist/hls.min.js'), join(dir, 'www/js/hls.min.js'));
  // The recipe's page, with hls.js from npm in place of Clappr from a CDN (Clappr plays HLS
  // through hls.js too), in its default configuration.
  writeFileSync(join(dir, 'www/index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>webcam-stream</title>
<script src="/js/hls.min.js"></script></head><body><video id="video" muted autoplay playsinline width="640" height="360"></video>
<script>const v = document.getElementById('video'); const hls = new Hls(); hls.loadSource('/hls/stream.m3u8'); hls.attachMedia(v);</script>
</body></html>`);
  // The recipe's nginx.conf: RTMP in, HLS out with 3 s fragments and a 60 s playlist.
  writeFileSync(join(dir, 'nginx.conf'), `load_module ${rtmpModule};
worker_processes 1;
error_log ${dir}/logs/error.log;
pid ${dir}/logs/nginx.pid;
events { worker_connections 1024; }
rtmp {
  access_log off;
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4000;
    application show {
      allow publish 127.0.0.1;
      deny publish all;
      live on;
      hls on;
      hls_path ${dir}/hls/;
      hls_fragment 3;
      hls_playlist_length 60;
      deny play all;
    }
  }
}
http {
  access_log off;
  sendfile off;
  tcp_nopush on;
  directio 512;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/logs/body;
  proxy_temp_path ${dir}/logs/proxy;
  fastcgi_temp_path ${dir}/logs/fastcgi;
  uwsgi_temp_path ${dir}/logs/uwsgi;
  scgi_temp_path ${dir}/logs/scgi;
  server {
    listen 127.0.0.1:${httpPort};
    location /hls {
      rewrite /hls/(.*) /$1 break;
      add_header Cache-Control no-cache;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      root ${dir}/hls;
    }
    location / { root ${dir}/www; }
  }
}
`);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'hls'), 0o777);  // nginx's worker (nobody, when started as root) writes here
  const nginx = spawn(nginxBinary, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'inherit' });
  await new Promise((r) => setTimeout(r, 500));
  const pattern = spawn(binary, ['pattern', '--size', '640x360', '--fps', '25'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ffmpeg = spawn('ffmpeg', ['-v', 'fatal', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '640x360', '-framerate', '25',
                                  '-i', '-', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
                                  '-b:v', '800k', '-profile:v', 'baseline', '-f', 'flv',
                                  `rtmp://127.0.0.1:${rtmpPort}/show/stream`],
                       { stdio: ['pipe', 'inherit', 'inherit'] });
  pattern.stdout.pipe(ffmpeg.stdin);
  ffmpeg.stdin.on('error', () => {});
  try {
    // Like a viewer who arrives at a stream that has been running (and because the stock player
    // gives up on the 404 of a playlist that does not exist yet): wait for 4 segments. Each takes
    // a whole GOP, 10 s with ffmpeg's default of 250 frames, whatever hls_fragment says.
    const started = Date.now();
    await waitForSegments(`http://127.0.0.1:${httpPort}/hls/stream.m3u8`, undefined, 4, /\.ts$/m, 90000);
    console.log(`classic stack: 4 segments ${Date.now() - started} ms after ffmpeg started`);
    return await measure(browser, `http://127.0.0.1:${httpPort}/`, undefined);
  } finally {
    stop(pattern);
    stop(ffmpeg);
    stop(nginx);
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

const browser = await launchBrowser();
try {
  console.log(`measuring ${seconds} s each: hlscam, then the classic stack`);
  const a = await hlscam(browser);
  const b = await classic(browser);
  const row = (name, r) => console.log(`${name.padEnd(26)} ${String(r.median).padStart(8)} ${String(r.p95).padStart(8)} ` +
                                       `${String(r.firstPicture).padStart(14)} ${String(r.samples).padStart(8)}`);
  console.log(`${'glass-to-glass, ms'.padEnd(26)} ${'median'.padStart(8)} ${'p95'.padStart(8)} ${'first picture'.padStart(14)} ${'samples'.padStart(8)}`);
  row('hlscam (LL-HLS, hls.js)', a);
  row('classic (nginx-rtmp)', b);
  console.log(`classic / hlscam: median ${(b.median / a.median).toFixed(1)}x, p95 ${(b.p95 / a.p95).toFixed(1)}x`);
  console.log(`goals: hlscam median <= 1500 ms, p95 <= 2000 ms, first picture <= 1500 ms`);
} finally {
  await browser.close();
}
