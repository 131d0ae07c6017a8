// Viewers under a flood of failed logins: VIEWERS clients at 127.0.0.1 fetch the playlist one
// request after another on keep-alive connections, first alone, then while FLOODERS clients send
// one bad login from each of ADDRESSES addresses of 127.0.0.0/8 (127.1.x.y, never banned: one
// failure each). Reports the viewers' playlist latency (p50, p99, max) without and with the
// flood, and what the flood cost. The flood stops by itself after the last address.
// Reasons: bad-token (a wrong ?token=, no password hash: what costs an attacker least, the
// default), malformed (a broken Authorization header), wrong-password (a real user, a wrong
// password: each costs a yescrypt hash on the service's hash thread, and more than 32 waiting
// are answered 503 instead).
// Usage: bench/ban-flood [ADDRESSES] [FLOODERS] [VIEWERS] [REASON]   (default 5000 4 4 bad-token)
import http from 'node:http';
import { authorization, startHlscam, cameraConfig, cpuTicks } from './hlscam.mjs';
import { waitForSegments } from './classic.mjs';

const addresses = Number(process.argv[2] || 5000);
const flooders = Number(process.argv[3] || 4);
const viewerCount = Number(process.argv[4] || 4);
const reason = process.argv[5] || 'bad-token';
const quietMs = 10000;
const maxFloodMs = 600000;  // bounded whatever happens

const config = `${cameraConfig}[bans]\nmaxretry = 10\nignoreip = 127.0.0.1\n`;

function get(port, path, { headers = {}, agent, localAddress } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    // A flooder has no agent: its connection closes after the answer (Node's global agent would
    // keep one open per source address, up to the service's max_connections).
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: agent || false, localAddress }, (res) => {
      res.resume();
      res.on('end', () => {
        if (!agent) req.destroy();
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 });
      });
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.setTimeout(30000, () => req.destroy());
    req.end();
  });
}

const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(p * v.length))];
};

const h = await startHlscam(config);
const port = Number(new URL(h.url).port);
let failed = false;
try {
  await waitForSegments(h.playlist, authorization, 2, /^seg\d+\.m4s/m, 30000);

  // Viewers: one request at a time each, 20 ms apart (a player asks a few times a second).
  let phase = 'quiet';
  const latencies = { quiet: [], flood: [] };
  let viewerErrors = 0;
  let viewing = true;
  const viewers = Array.from({ length: viewerCount }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (viewing) {
      const r = await get(port, '/cam/cam0/index.m3u8', { headers: { Authorization: authorization }, agent });
      if (r.status !== 200) ++viewerErrors;
      else latencies[phase].push(r.ms);
      await new Promise((done) => setTimeout(done, 20));
    }
    agent.destroy();
  });
  await new Promise((done) => setTimeout(done, quietMs));

  phase = 'flood';
  const logBefore = h.log().length;
  const ticksBefore = cpuTicks(h.pids());
  const floodStarted = Date.now();
  const answers = {};
  let next = 0;
  const wrong = 'Basic ' + Buffer.from('bench:not-the-password').toString('base64');
  const request = {
    'bad-token': { path: '/cam/cam0/index.m3u8?token=not-a-token', headers: {} },
    malformed: { path: '/cam/cam0/index.m3u8', headers: { Authorization: 'Basic !!!' } },
    'wrong-password': { path: '/cam/cam0/index.m3u8', headers: { Authorization: wrong } },
  }[reason];
  if (!request) throw new Error(`unknown reason ${reason}`);
  const floods = Array.from({ length: flooders }, async () => {
    while (next < addresses && Date.now() - floodStarted < maxFloodMs) {
      const n = next++;
      const from = `127.1.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      const r = await get(port, request.path, { headers: request.headers, localAddress: from });
      answers[r.status] = (answers[r.status] || 0) + 1;
    }
  });
  await Promise.all(floods);
  const floodMs = Date.now() - floodStarted;
  const floodCpu = (cpuTicks(h.pids()) - ticksBefore) * 10;  // ms, at 100 ticks/s
  await new Promise((done) => setTimeout(done, 500));  // the flood's log lines are in
  const logBytes = h.log().length - logBefore;
  viewing = false;
  await Promise.all(viewers);

  const row = (name, xs) => console.log(`${name.padEnd(26)} ${String(xs.length).padStart(8)} ${percentile(xs, 0.5).toFixed(1).padStart(8)} ${percentile(xs, 0.99).toFixed(1).padStart(8)} ${Math.max(...xs).toFixed(1).padStart(8)}`);
  console.log(`ban-flood: ${viewerCount} viewers, ${flooders} flooders, one ${reason} request from each of ${next} addresses`);
  console.log(`${'viewers\' playlist (ms)'.padEnd(26)} ${'requests'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}`);
  row('without flood', latencies.quiet);
  row('during the flood', latencies.flood);
  const perSecond = (next / (floodMs / 1000)).toFixed(0);
  console.log(`flood: ${floodMs} ms (${perSecond} failures/s), answers ${JSON.stringify(answers)}, service CPU ${floodCpu} ms, ${logBytes} bytes of log`);
  if (viewerErrors) { console.log(`ban-flood: ${viewerErrors} viewer requests failed`); failed = true; }
} finally {
  await h.stop();
}
process.exit(failed ? 1 : 0);
