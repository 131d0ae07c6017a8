// hlscam against the classic stack, side by side in one run on this machine, with the same
// input (the stamped 640x360@25 pattern) and the same encode settings (libx264 ultrafast
// zerolatency, 800 kb/s, 1 s GOP). Prints one table: hlscam, classic, ratio.
//   1. CPU seconds per minute and memory (RSS and PSS, all processes of each stack) with 0
//      viewers, 1 (headless Chromium on the stack's page) and 10 (playlist + segment pollers);
//   2. serving: wrk, 50 connections, Basic auth on both, on a 1 MB segment and on the playlist;
//   3. fan-out: nginx proxy_cache in front of hlscam, 100 LL-HLS viewers through it;
//   4. start-up: from start to the first playable segment.
// Usage: bench/run [SECONDS]   (SECONDS per CPU measurement, default 30)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../tests/browser/lib.mjs';
import { startClassic, startCachingProxy, waitForSegments, sleep } from './classic.mjs';
import { user, password, authorization, startHlscam, cameraConfig, cpuTicks, memoryKb, startLowLatencyViewers } from './hlscam.mjs';

const seconds = Number(process.argv[2] || 30);
const ticks = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

// Viewers that poll like a regular HLS player: the playlist, then each new segment, every second.
function startPollers(count, playlistUrl, headers) {
  let running = true;
  const seen = new Set();
  const loops = Array.from({ length: count }, async () => {
    const mine = new Set();
    while (running) {
      try {
        const text = await (await fetch(playlistUrl, { headers })).text();
        const segments = text.split('\n').filter((l) => l && !l.startsWith('#'));
        const newest = segments.at(-1);
        if (newest && !mine.has(newest)) {
          mine.add(newest);
          seen.add(newest);
          await (await fetch(new URL(newest, playlistUrl), { headers })).arrayBuffer();
        }
      } catch { /* keep polling */ }
      await sleep(1000);
    }
  });
  return { async stop() { running = false; await Promise.all(loops); return seen.size; } };
}

// One viewer as a real one: headless Chromium playing the stack's own page.
async function startBrowserViewer(pageUrl, credentials) {
  const browser = await launchBrowser();
  const context = await browser.newContext({ httpCredentials: credentials });
  const page = await context.newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => { const v = document.querySelector('video'); return v && v.currentTime > 0; },
                             null, { timeout: 60000 });
  return { async stop() { await browser.close(); } };
}

async function cpuAndMemory(stack, viewers, headers, browserViewer) {
  const pollers = browserViewer ? await browserViewer() : startPollers(viewers, stack.playlist, headers);
  await sleep(3000);
  const pids = stack.pids();
  const c0 = cpuTicks(pids), t0 = Date.now();
  let rssSum = 0, pssSum = 0, rssPeak = 0, n = 0;
  while (Date.now() - t0 < seconds * 1000) {
    await sleep(1000);
    const m = memoryKb(stack.pids());
    rssSum += m.rss; pssSum += m.pss; rssPeak = Math.max(rssPeak, m.rss); ++n;
  }
  const cpuSeconds = (cpuTicks(pids) - c0) / ticks;
  const wall = (Date.now() - t0) / 1000;
  await pollers.stop();
  return { cpuPerMinute: (60 * cpuSeconds) / wall, rssMb: rssSum / n / 1024, rssPeakMb: rssPeak / 1024, pssMb: pssSum / n / 1024 };
}

// ---- table ----
const rows = [];
function row(name, a, b, unit, better = 'lower') {
  const ratio = a / b;
  rows.push([name, `${a.toFixed(unit === 'req/s' ? 0 : 2)}`, `${b.toFixed(unit === 'req/s' ? 0 : 2)}`, `${ratio.toFixed(2)}x`, unit, better]);
  console.log(`  ${name}: hlscam ${a.toFixed(2)} ${unit}, classic ${b.toFixed(2)} ${unit}, ratio ${ratio.toFixed(2)}`);
}
function printTable() {
  const head = ['measure', 'hlscam', 'classic', 'hlscam/classic', 'unit', 'better'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(head));
  for (const r of rows) console.log(line(r));
}

// ---- 1 and 4: start-up, CPU and memory ----
async function startupHlscam() {
  const h = await startHlscam(cameraConfig);
  const text = await waitForSegments(h.playlist, authorization, 1, /^seg\d+\.m4s/m, 30000);
  const seg = text.split('\n').find((l) => l.startsWith('seg'));
  const ok = (await fetch(new URL(seg, h.playlist), { headers: { Authorization: authorization } })).ok;
  if (!ok) throw new Error('hlscam: first segment not playable');
  return { stack: h, ms: Date.now() - h.started };
}
async function startupClassic() {
  const started = Date.now();
  const c = await startClassic({ gop: 25 });
  const text = await waitForSegments(c.playlist, undefined, 1, /\.ts$/m, 60000);
  const seg = text.split('\n').find((l) => l.endsWith('.ts'));
  if (!(await fetch(new URL(seg, c.playlist))).ok) throw new Error('classic: first segment not playable');
  return { stack: c, ms: Date.now() - started };
}

// ---- 2: serving with wrk ----
function wrk(url, headers) {
  const args = ['-t2', '-c50', '-d10s', '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const out = spawnSync('wrk', [...args, url], { encoding: 'utf8' }).stdout;
  if (/Non-2xx/.test(out)) throw new Error(`wrk ${url}: non-2xx answers\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)/m.exec(out);
  const p99ms = Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]];
  return { rps, p99ms };
}

async function serving() {
  // A 1 MB segment: a 1 s GOP clip at 8 Mb/s, passed through without re-encoding.
  const dir = mkdtempSync(join(tmpdir(), 'hlscam-serving-'));
  const clip = join(dir, 'big.mp4');
  spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25,noise=alls=30:allf=t', '-t', '10',
                       '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-b:v', '8M', '-minrate', '8M', '-maxrate', '8M',
                       '-bufsize', '1M', '-x264-params', 'nal-hrd=cbr', '-pix_fmt', 'yuv420p', clip]);
  const h = await startHlscam(`[server]\nmax_connections_per_address = 200\n[camera.cam0]\ndevice = ${clip}\n[hls]\nwindow = 30\n`);
  const text = await waitForSegments(h.playlist, authorization, 3, /^seg\d+\.m4s/m, 30000);
  const segName = text.split('\n').filter((l) => l.startsWith('seg')).at(-1);
  const segUrl = new URL(segName, h.playlist).href;
  const bytes = Buffer.from(await (await fetch(segUrl, { headers: { Authorization: authorization } })).arrayBuffer());

  // The classic stack with the recipe's Basic auth (htpasswd's default hash, apr1), serving the
  // very same bytes as a file beside its own segments.
  const htpasswd = join(dir, 'htpasswd');
  spawnSync('htpasswd', ['-b', '-c', htpasswd, user, password]);
  chmodSync(dir, 0o755);
  chmodSync(htpasswd, 0o644);  // nginx's worker runs as nobody
  const c = await startClassic({ gop: 25, htpasswd });
  const auth = { Authorization: authorization };
  let a1, b1, a2, b2;
  try {
    await waitForSegments(c.playlist, authorization, 1, /\.ts$/m, 60000);
    writeFileSync(join(c.dir, 'hls', 'big.ts'), bytes);
    a1 = wrk(segUrl, auth);
    b1 = wrk(`${c.url}/hls/big.ts`, auth);
    a2 = wrk(h.playlist, auth);
    b2 = wrk(c.playlist, auth);
  } finally {
    await h.stop();
    await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  row(`segment ${(bytes.length / 1e6).toFixed(2)} MB, requests/s`, a1.rps, b1.rps, 'req/s', 'higher');
  row('segment, p99 latency', a1.p99ms, b1.p99ms, 'ms');
  row('playlist, requests/s', a2.rps, b2.rps, 'req/s', 'higher');
  row('playlist, p99 latency', a2.p99ms, b2.p99ms, 'ms');
}

// ---- 3: fan-out through a caching proxy ----
async function fanOut() {
  const h = await startHlscam(`[server]\n# nginx is one address with many connections\ntrusted_proxies = 127.0.0.1\n${cameraConfig}`);
  const proxy = await startCachingProxy(h.url.replace('http://', ''));
  const stats = { reloads: 0, satisfied: 0, parts: 0, waits: [] };
  try {
    await waitForSegments(h.playlist, authorization, 2, /^seg\d+\.m4s/m, 30000);
    const viewers = startLowLatencyViewers(100, `${proxy.url}/cam/cam0/`, { Authorization: authorization }, stats);
    // Counted after each viewer's first, plain playlist request (`no-cache` by design): from
    // then on viewers only make blocking reloads and part requests.
    await sleep(3000);
    const from = Date.now() / 1000;
    await sleep(seconds * 1000);
    await viewers.stop();
    const log = readFileSync(proxy.accessLog, 'utf8').split('\n').map((l) => l.split(' '))
      .filter((f) => f.length === 4 && Number(f[0]) >= from);
    const upstream = log.filter((f) => f[2] !== 'HIT');  // MISS, EXPIRED...: went to hlscam
    const partsAsked = upstream.filter((f) => /\/part\d+\.\d+\.m4s/.test(f[1]));
    const playlistsAsked = upstream.filter((f) => /index\.m3u8\?.*_HLS_msn=/.test(f[1]));
    const distinctParts = new Set(log.filter((f) => /\/part\d+\.\d+\.m4s/.test(f[1])).map((f) => f[1])).size;
    stats.waits.sort((a, b) => a - b);
    console.log(`  fan-out: 100 viewers, ${stats.parts} parts served to them, ${stats.reloads} blocking reloads ` +
                `(${stats.satisfied} listed the part asked for; median wait ${stats.waits[stats.waits.length >> 1]} ms)`);
    console.log(`  reaching hlscam: ${partsAsked.length} part requests for ${distinctParts} parts, ` +
                `${playlistsAsked.length} blocking playlist requests`);
    rows.push(['fan-out: part requests reaching hlscam per part', (partsAsked.length / distinctParts).toFixed(2), '-', '-', 'req/part', 'lower']);
    rows.push(['fan-out: blocking reloads reaching hlscam per part', (playlistsAsked.length / distinctParts).toFixed(2), '-', '-', 'req/part', 'lower']);
    rows.push(['fan-out: blocking reloads that listed the part asked', `${(100 * stats.satisfied / stats.reloads).toFixed(1)}%`, '-', '-', '', 'higher']);
  } finally {
    await proxy.stop();
    await h.stop();
  }
}

console.log(`hlscam vs the classic stack, ${seconds} s per CPU measurement`);
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "cpu") {
  const h = await startupHlscam();
  const c = await startupClassic();
  row('start to first playable segment', h.ms, c.ms, 'ms');
  // 1 viewer is headless Chromium on each stack's page; 0 and 10 are pollers.
  const chromium = { h: () => startBrowserViewer(h.stack.url + '/', { username: user, password }),
                     c: () => startBrowserViewer(c.stack.url + '/', undefined) };
  for (const viewers of [0, 1, 10]) {
    const a = await cpuAndMemory(h.stack, viewers, { Authorization: authorization }, viewers === 1 && chromium.h);
    const b = await cpuAndMemory(c.stack, viewers, {}, viewers === 1 && chromium.c);
    const who = viewers === 1 ? '1 viewer (Chromium)' : `${viewers} viewers`;
    row(`CPU, ${who}`, a.cpuPerMinute, b.cpuPerMinute, 'CPU s/min');
    row(`RSS, ${who}`, a.rssMb, b.rssMb, 'MB');
    row(`PSS, ${who}`, a.pssMb, b.pssMb, 'MB');
  }
  await h.stack.stop();
  await c.stack.stop();
}
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "serving") await serving();
if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'fanout') await fanOut();
printTable();
