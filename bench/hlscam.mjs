// hlscam as the benchmarks and the soak run it: a process we start and stop, the /proc figures of
// a set of processes, and Low-Latency HLS viewers that behave like hls.js.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hlscamBinary, sleep } from './classic.mjs';

export const user = 'bench';
export const password = 'bench-password';
export const authorization = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

// ---- hlscam as a process we control ----
export async function startHlscam(config, env = {}) {
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

export const cameraConfig = '[camera.cam0]\ndevice = testpattern\nwidth = 640\nheight = 360\nfps = 25\nbitrate = 800\nencoder = libx264\n';

// ---- /proc sampling ----
export function cpuTicks(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      sum += Number(fields[11]) + Number(fields[12]);  // utime + stime
    } catch { /* gone */ }
  }
  return sum;
}
export function memoryKb(pids) {
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

export function openFds(pid) {
  try { return readdirSync(`/proc/${pid}/fd`).length; } catch { return 0; }
}
export function threads(pid) {
  try { return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]); } catch { return 0; }
}

// A Low-Latency HLS viewer as hls.js behaves: blocking reload for the hinted part, then the part.
const hintRe = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part(\d+)\.(\d+)\.m4s"/;
export function startLowLatencyViewers(count, base, headers, stats) {
  let running = true;
  const loops = Array.from({ length: count }, async () => {
    let text = await (await fetch(base + 'index.m3u8', { headers })).text();
    while (running) {
      const [, msn, part] = hintRe.exec(text) || [];
      if (!msn) break;
      const asked = Date.now();
      const r = await fetch(`${base}index.m3u8?_HLS_msn=${msn}&_HLS_part=${part}`, { headers });
      text = await r.text();
      stats.waits.push(Date.now() - asked);
      ++stats.reloads;
      if (r.ok && text.includes(`URI="part${msn}.${part}.m4s"`)) ++stats.satisfied;
      const p = await fetch(`${base}part${msn}.${part}.m4s`, { headers });
      await p.arrayBuffer();
      if (p.ok) ++stats.parts;
    }
  });
  return { async stop() { running = false; await Promise.all(loops); } };
}

