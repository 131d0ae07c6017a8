// The measuring half of bench/mjpeg (see there). Two commands:
//
//   node bench/mjpeg.mjs measure --name NAME --pid PID --url URL --stamp HEADER --clock wall|monotonic
//                                --watchers N --seconds S
//     Runs next to the server (in the VM): N watchers read URL's multipart stream for S seconds
//     while the server's CPU (utime + stime of /proc/PID/stat) is counted; prints one line
//     "RESULT {json}": CPU %, RSS, frames per second per watcher, and the age of each frame when
//     its last byte arrived, from the capture time in HEADER (wall: seconds since the epoch;
//     monotonic: CLOCK_MONOTONIC seconds, the clock of V4L2 buffer timestamps).
//   node bench/mjpeg.mjs table < OUTPUT
//     Reads the RESULT lines of one or more runs and prints the table, with hlscam/ustreamer ratios.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function options(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  return o;
}

function cpuTicks(pid) {
  // pid (comm) state ...: comm may hold spaces, so count fields after its ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);  // utime, stime (fields 14 and 15)
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m ? Number(m[1]) : 0;
}

const nowSeconds = {
  wall: () => (performance.timeOrigin + performance.now()) / 1000,
  monotonic: () => Number(process.hrtime.bigint()) / 1e9,  // libuv: CLOCK_MONOTONIC
};

// One watcher: parses the multipart stream (any boundary; each part's head has Content-Length)
// and records each frame's age when its last byte is in.
function watch(url, stampHeader, clock, ages, counts, index) {
  const stampRe = new RegExp(`^${stampHeader}:\\s*([0-9.]+)`, 'im');
  let buffer = Buffer.alloc(0);
  let need = -1;  // bytes of the JPEG being read; -1: looking for a part's head
  let stamp = 0;
  const req = request(url, (res) => {
    res.on('data', (chunk) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      for (let guard = 0; guard < 1000; ++guard) {
        if (need < 0) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = buffer.subarray(0, end).toString('latin1');
          buffer = buffer.subarray(end + 4);
          const length = /^Content-Length:\s*(\d+)/im.exec(head);
          if (length && /image\/jpeg/i.test(head)) {
            need = Number(length[1]);
            const s = stampRe.exec(head);
            stamp = s ? Number(s[1]) : 0;
          }
        } else {
          if (buffer.length < need) break;
          if (stamp > 0) ages.push(clock() - stamp);
          ++counts[index];
          buffer = buffer.subarray(need);
          need = -1;
        }
      }
    });
    res.on('error', () => {});
  });
  req.on('error', () => {});
  req.end();
  return req;
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function measure(o) {
  const watchers = Number(o.watchers), seconds = Number(o.seconds), pid = Number(o.pid);
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;
  const clock = nowSeconds[o.clock];
  if (!clock) throw new Error(`--clock wall or monotonic, not ${o.clock}`);
  const ages = [];
  const counts = new Array(watchers).fill(0);
  const requests = [];
  for (let i = 0; i < watchers; ++i) requests.push(watch(o.url, o.stamp, clock, ages, counts, i));
  await sleep(3000);  // every watcher streaming before the window opens
  ages.length = 0;
  counts.fill(0);
  const c0 = cpuTicks(pid), t0 = performance.now();
  await sleep(seconds * 1000);
  const c1 = cpuTicks(pid), t1 = performance.now();
  const frames = counts.slice();
  const sorted = ages.slice().sort((a, b) => a - b);
  for (const r of requests) r.destroy();
  const elapsed = (t1 - t0) / 1000;
  const cpuSeconds = (c1 - c0) / ticksPerSecond;
  // Frames the server made: what the best-served watcher got (each frame is encoded once).
  const encoded = watchers ? Math.max(...frames) : 0;
  const result = {
    name: o.name,
    watchers,
    cpuPercent: (cpuSeconds / elapsed) * 100,
    cpuMsPerFrame: encoded ? (cpuSeconds * 1000) / encoded : NaN,
    rssMb: rssKb(pid) / 1024,
    fps: watchers ? frames.reduce((a, b) => a + b, 0) / watchers / elapsed : 0,
    minFps: watchers ? Math.min(...frames) / elapsed : 0,
    ageMedianMs: percentile(sorted, 0.5) * 1000,
    ageP90Ms: percentile(sorted, 0.9) * 1000,
    samples: sorted.length,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function table(text) {
  const results = text.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)));
  const runs = [];  // a run starts at each hlscam row with 0 watchers
  for (const r of results) {
    if (r.name === 'hlscam' && r.watchers === 0) runs.push([]);
    if (runs.length) runs.at(-1).push(r);
  }
  const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  runs.forEach((run, i) => {
    console.log(`\nrun ${i + 1}`);
    console.log('| watchers | measure | hlscam | µStreamer | hlscam/µStreamer |');
    console.log('| --- | --- | --- | --- | --- |');
    const watcherCounts = [...new Set(run.map((r) => r.watchers))];
    for (const n of watcherCounts) {
      const h = run.find((r) => r.name === 'hlscam' && r.watchers === n);
      const u = run.find((r) => r.name === 'ustreamer' && r.watchers === n);
      if (!h || !u) continue;
      const rows = [['CPU %', 'cpuPercent', 1], ['RSS MB', 'rssMb', 1]];
      if (n > 0)
        rows.push(['frames/s per watcher (lowest)', null, 1], ['CPU ms per frame sent', 'cpuMsPerFrame', 1],
                  ['frame age median ms', 'ageMedianMs', 0],
                  ['frame age p90 ms', 'ageP90Ms', 0]);
      for (const [label, key, d] of rows) {
        if (!key) {
          console.log(`| ${n} | ${label} | ${fmt(h.fps, d)} (${fmt(h.minFps, d)}) | ${fmt(u.fps, d)} (${fmt(u.minFps, d)}) | ${ratio(h.fps, u.fps)} |`);
          continue;
        }
        console.log(`| ${n} | ${label} | ${fmt(h[key], d)} | ${fmt(u[key], d)} | ${ratio(h[key], u[key])} |`);
      }
    }
  });
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'measure') await measure(options(rest));
else if (command === 'table') table(readFileSync(0, 'utf8'));
else {
  console.error('usage: node bench/mjpeg.mjs measure ... | table < OUTPUT');
  process.exit(2);
}
