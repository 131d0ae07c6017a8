// hlscam against the classic stack, side by side in one run on this machine, with the same
// input (the stamped 640x360@25 pattern) and the same encode settings (libx264 ultrafast
// zerolatency, 800 kb/s, 1 s GOP). Prints one table: hlscam, classic, ratio.
//   1. CPU seconds per minute and memory (RSS and PSS, all processes of each stack) with 0, 1
//      and 10 viewers (playlist + segment pollers);
//   2. serving: wrk, 50 connections, Basic auth on both, on a 1 MB segment and on the playlist;
//   3. fan-out: nginx proxy_cache in front of hlscam, 100 LL-HLS viewers through it;
//   4. start-up: from start to the first playable segment.
// Usage: bench/run [SECONDS]   (SECONDS per CPU measurement, default 30)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hlscamBinary, startClassic, waitForSegments, freePort, sleep } from './classic.mjs';

const seconds = Number(process.argv[2] || 30);
const user = 'bench';
const password = 'bench-password';
const authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const ticks = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

// ---- hlscam as a process we control ----
async function startHlscam(config, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hlscam-bench-'));
  writeFileSync(join(dir, 'hlscam.conf'), config);
  spawnSync(hlscamBinary, ['users', 'add', user, '--state-dir', dir], { input: password + '\n' });
  const started = Date.now();
  const child = spawn(hlscamBinary, ['serve', '--config', join(dir, 'hlscam.conf'), '--listen', '127.0.0.1:0', '--state-dir', dir],
                      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  child.stderr.on('data', (c) => { log += c; });
  for (let i = 0; !/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(log); ++i) {
    if (i > 200 || child.exitCode !== null) throw new Error(`hlscam did not start:\n${log}`);
    await sleep(25);
  }
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log)[1]);
  return {
    started, url: `http://127.0.0.1:${port}`, playlist: `http://127.0.0.1:${port}/cam/cam0/index.m3u8`,
    log: () => log, pids: () => [child.pid],
    async stop() {
      if (child.exitCode === null) { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const cameraConfig = '[camera.cam0]\ndevice = testpattern\nwidth = 640\nheight = 360\nfps = 25\nbitrate = 800\nencoder = libx264\n';

// ---- /proc sampling ----
function cpuTicks(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      sum += Number(fields[11]) + Number(fields[12]);  // utime + stime
    } catch { /* gone */ }
  }
  return sum;
}
function memoryKb(pids) {
  let rss = 0, pss = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(text)[1]);
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)[1]);
    } catch { /* gone */ }
  }
  return { rss, pss };
}

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

async function cpuAndMemory(stack, viewers, headers) {
  const pollers = startPollers(viewers, stack.playlist, headers);
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

console.log(`hlscam vs the classic stack, ${seconds} s per CPU measurement`);
{
  const h = await startupHlscam();
  const c = await startupClassic();
  row('start to first playable segment', h.ms, c.ms, 'ms');
  for (const viewers of [0, 1, 10]) {
    const a = await cpuAndMemory(h.stack, viewers, { Authorization: authorization });
    const b = await cpuAndMemory(c.stack, viewers, {});
    row(`CPU, ${viewers} viewers`, a.cpuPerMinute, b.cpuPerMinute, 'CPU s/min');
    row(`RSS, ${viewers} viewers`, a.rssMb, b.rssMb, 'MB');
    row(`PSS, ${viewers} viewers`, a.pssMb, b.pssMb, 'MB');
  }
  await h.stack.stop();
  await c.stack.stop();
}
printTable();
