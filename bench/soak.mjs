// Soak: hlscam streams the pattern to 10 Low-Latency HLS viewers (blocking reloads and parts, as
// hls.js does) for as long as asked, and samples the service's RSS, open descriptors and threads.
// Prints the samples and the RSS slope after warm-up; fails when descriptors or threads grow,
// when viewers stop getting parts, or (in runs of 20 minutes or more: shorter ones are too
// short to tell a page of allocator growth from a leak) when RSS grows by more than 1 MB an hour.
// Usage: bench/soak [MINUTES]   (default 30)
import { setTimeout as sleep } from 'node:timers/promises';
import { authorization, startHlscam, cameraConfig, memoryKb, openFds, threads, startLowLatencyViewers } from './hlscam.mjs';
import { waitForSegments } from './classic.mjs';

const minutes = Number(process.argv[2] || 30);
const sampleEveryMs = Math.min(30000, (minutes * 60000) / 20);
const warmupMs = Math.min(120000, (minutes * 60000) / 4);

const h = await startHlscam(cameraConfig);
const headers = { Authorization: authorization };
let failed = false;
try {
  await waitForSegments(h.playlist, authorization, 2, /^seg\d+\.m4s/m, 30000);
  const stats = { reloads: 0, satisfied: 0, parts: 0, waits: [] };
  const viewers = startLowLatencyViewers(10, h.playlist.replace('index.m3u8', ''), headers, stats);
  const pid = h.pids()[0];
  const started = Date.now();
  const samples = [];
  console.log('minute   RSS MB   fds  threads  parts served');
  while (Date.now() - started < minutes * 60000) {
    await sleep(sampleEveryMs);
    stats.waits.length = 0;  // only counts are kept for a long run
    const s = { t: Date.now() - started, rss: memoryKb([pid]).rss / 1024, fds: openFds(pid), threads: threads(pid), parts: stats.parts };
    samples.push(s);
    console.log(`${(s.t / 60000).toFixed(1).padStart(6)}  ${s.rss.toFixed(1).padStart(7)}  ${String(s.fds).padStart(4)}  ${String(s.threads).padStart(7)}  ${String(s.parts).padStart(12)}`);
    if (h.log().includes('ERROR') || samples.length > 1 && s.parts === samples.at(-2).parts) {
      console.log('soak: viewers stopped getting parts'); failed = true; break;
    }
  }
  await viewers.stop();

  // Least-squares slope of RSS after warm-up, in MB per hour.
  const steady = samples.filter((s) => s.t >= warmupMs);
  const n = steady.length;
  const mt = steady.reduce((a, s) => a + s.t, 0) / n, mr = steady.reduce((a, s) => a + s.rss, 0) / n;
  const slope = steady.reduce((a, s) => a + (s.t - mt) * (s.rss - mr), 0) / steady.reduce((a, s) => a + (s.t - mt) ** 2, 0) * 3600000;
  const first = steady[0], last = steady.at(-1);
  console.log(`soak: ${minutes} min, 10 LL-HLS viewers, ${stats.parts} parts served, ${stats.satisfied}/${stats.reloads} blocking reloads listed their part`);
  console.log(`soak: after warm-up RSS ${first.rss.toFixed(1)} -> ${last.rss.toFixed(1)} MB, slope ${slope.toFixed(2)} MB/hour; fds ${first.fds} -> ${last.fds}; threads ${first.threads} -> ${last.threads}`);
  // A password check every 5 minutes (the credential cache's lifetime) runs on a pool thread that
  // lives 30 s with its event descriptor: a sample may catch it. Growth is the later half's
  // median above the earlier half's.
  const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
  const half = Math.floor(n / 2);
  const [early, late] = [steady.slice(0, half), steady.slice(half)];
  const grew = (key) => median(late.map((x) => x[key])) > median(early.map((x) => x[key]));
  console.log(`soak: median fds ${median(early.map((x) => x.fds))} -> ${median(late.map((x) => x.fds))}, threads ${median(early.map((x) => x.threads))} -> ${median(late.map((x) => x.threads))}`);
  if (grew('fds') || grew('threads')) { console.log('soak: descriptors or threads grew'); failed = true; }
  if (slope > 1 && minutes >= 20) { console.log('soak: RSS grows'); failed = true; }
} finally {
  await h.stop();
}
console.log(failed ? 'soak: FAILED' : 'soak: flat');
process.exit(failed ? 1 : 0);
