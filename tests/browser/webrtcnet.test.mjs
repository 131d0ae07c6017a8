// WebRTC across the networks viewers are on, in headless Chromium against the real service:
// a browser that may only use a TURN relay (coturn, started here on loopback) plays the camera;
// a network that drops UDP still plays over ICE-TCP (RFC 6544); with ICE-TCP off the page falls
// back to LL-HLS; coturn's STUN answer gives the public address. The page's own WHEP client runs in every case: an init script only adds the
// ICE servers to its RTCPeerConnection and keeps the connection for the test to inspect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, launchBrowser } from './lib.mjs';
import { startTurnServer } from './turn.mjs';
import { randomBytes } from 'node:crypto';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Runs in the page before its scripts: every RTCPeerConnection gets `extra` merged into its
// configuration and is kept in window.__pcs.
function wrapPeerConnection(extra) {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(configuration = {}) {
      super({ ...configuration, ...extra });
      window.__pcs.push(this);
    }
  };
}

// The candidate pair the page's connection plays over: local and remote candidate types and
// protocols, as Chromium's stats say.
async function selectedPair(page) {
  return page.evaluate(async () => {
    const pc = window.__pcs.at(-1);
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return { local: local.candidateType, localProtocol: local.protocol, relayProtocol: local.relayProtocol,
             remote: remote.candidateType, remoteProtocol: remote.protocol, remotePort: remote.port,
             bytesReceived: pair.bytesReceived };
  });
}

// Frames the page's <video> decodes in two seconds, and its size.
async function framesDecoded(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const v = document.querySelector('#video');
    const before = v.getVideoPlaybackQuality().totalVideoFrames;
    setTimeout(() => resolve({ decoded: v.getVideoPlaybackQuality().totalVideoFrames - before,
                               w: v.videoWidth, h: v.videoHeight }), 2000);
  }));
}

async function playsOverWebRtc(page, service) {
  await page.goto(service.url + '/?mode=webrtc');
  await page.waitForFunction(() => document.querySelector('#path').textContent === 'WebRTC', null,
                             { timeout: 15000 }).catch(async (e) => {
    throw new Error(`${e.message}\nstatus: ${await page.textContent('#status')}\n${service.log()}`);
  });
  const frames = await framesDecoded(page);
  assert.ok(frames.decoded >= 25, `only ${frames.decoded} frames decoded in 2 s (25 fps)`);
  assert.equal(frames.w, 640);
  assert.equal(frames.h, 360);
}

const loggedIn = (service) =>
  browser.newContext({ httpCredentials: { username: service.user, password: service.password } });

test('a browser that may only use a TURN relay plays the camera through coturn', async (t) => {
  const turn = await startTurnServer();
  const service = await startService();
  const context = await loggedIn(service);
  try {
    await context.addInitScript(wrapPeerConnection, {
      iceTransportPolicy: 'relay',
      iceServers: [{ urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: turn.user,
                     credential: turn.password }],
    });
    const page = await context.newPage();
    await playsOverWebRtc(page, service);
    const pair = await selectedPair(page);
    t.diagnostic(`selected pair: ${JSON.stringify(pair)}`);
    assert.equal(pair?.local, 'relay', JSON.stringify(pair));
    assert.equal(pair.relayProtocol, 'udp');
    assert.ok(pair.bytesReceived > 10000, JSON.stringify(pair));
    // The relay really carried it: coturn made an allocation for our user.
    assert.match(turn.log(), /incoming packet ALLOCATE processed, success/);
    assert.match(turn.log(), /incoming packet (CHANNEL_BIND|CREATE_PERMISSION) processed, success/);
  } finally {
    await context.close();
    await service.stop();
    await turn.stop();
  }
});

// Runs in the page before its scripts: every RTCPeerConnection may only use relay candidates,
// whatever configuration the page gives it (at construction or later); the ICE servers are the
// page's own, from the service's Link headers.
function forceRelay() {
  const Original = window.RTCPeerConnection;
  window.__pcs = [];
  window.__iceServers = [];  // what the page set with setConfiguration
  window.RTCPeerConnection = class extends Original {
    constructor(configuration = {}) {
      super({ ...configuration, iceTransportPolicy: 'relay' });
      window.__pcs.push(this);
    }
    setConfiguration(configuration = {}) {
      window.__iceServers.push(configuration.iceServers);
      return super.setConfiguration({ ...configuration, iceTransportPolicy: 'relay' });
    }
  };
}

test("the page plays through the TURN server the service names, with turn_secret's credentials", async (t) => {
  const secret = randomBytes(24).toString('hex');
  const turn = await startTurnServer({ secret });
  let service = null;
  let context = null;
  try {
    service = await startService({
      user: 'alice',
      config: `[webrtc]\nudp_port = 0\nice_servers = turn:127.0.0.1:${turn.port}?transport=udp\n` +
              `turn_secret = ${secret}\nturn_credential_lifetime = 10m\n`,
    });
    context = await loggedIn(service);
    await context.addInitScript(forceRelay);
    const page = await context.newPage();
    await playsOverWebRtc(page, service);
    const given = await page.evaluate(() => window.__iceServers);
    t.diagnostic(`ICE servers the page set: ${JSON.stringify(given)}`);
    assert.equal(given.length, 1, JSON.stringify(given));
    assert.equal(given[0][0].urls, `turn:127.0.0.1:${turn.port}?transport=udp`);
    const username = given[0][0].username;
    const expiry = Number(username.split(':')[0]);
    assert.match(username, /^\d+:alice$/);
    assert.ok(Math.abs(expiry - (Date.now() / 1000 + 600)) < 60, username);
    const pair = await selectedPair(page);
    t.diagnostic(`selected pair: ${JSON.stringify(pair)}`);
    assert.equal(pair?.local, 'relay', JSON.stringify(pair));
    assert.equal(pair.relayProtocol, 'udp');
    assert.ok(pair.bytesReceived > 10000, JSON.stringify(pair));
    // coturn took the REST credentials: an allocation for that username.
    const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(turn.log(), new RegExp(`user <${escaped}>: incoming packet ALLOCATE processed, success`), turn.log());
    assert.ok(!service.log().includes(secret), 'the secret is in the service log');
  } finally {
    await context?.close();
    await service?.stop();
    await turn.stop();
  }
});

test("coturn's STUN answer (from the media port) is logged as the public address", async () => {
  const turn = await startTurnServer();
  const service = await startService({ config: `[webrtc]\nudp_port = 0\nstun_server = 127.0.0.1:${turn.port}\n` });
  try {
    const expected = `WebRTC public address from the STUN server 127.0.0.1:${turn.port} is 127.0.0.1:${service.webrtcPort}`;
    for (const deadline = Date.now() + 10000; Date.now() < deadline && !service.log().includes(expected);)
      await new Promise((r) => setTimeout(r, 100));
    assert.ok(service.log().includes(expected), service.log());
  } finally {
    await service.stop();
    await turn.stop();
  }
});

// The answer as a network that drops UDP leaves it: every UDP candidate moved to the discard
// port, where the viewer's checks reach nobody (as the fallback test of webrtc.test.mjs does).
async function blockUdp(page, service) {
  let answer = '';
  await page.route('**/cam/cam0/whep', async (route) => {
    const response = await route.fetch();
    answer = (await response.text()).replaceAll(new RegExp(` udp (\\d+) (\\S+) ${service.webrtcPort} typ host`, 'g'),
                                                ' udp $1 $2 9 typ host');
    await route.fulfill({ response, body: answer });
  });
  return () => answer;
}

test('when UDP is blocked, the page plays over ICE-TCP (a passive TCP candidate)', async (t) => {
  const service = await startService();
  assert.ok(service.webrtcTcpPort, `no ICE-TCP port in the log:\n${service.log()}`);
  const context = await loggedIn(service);
  try {
    await context.addInitScript(wrapPeerConnection, {});
    const page = await context.newPage();
    const answer = await blockUdp(page, service);
    await playsOverWebRtc(page, service);
    assert.match(answer(), new RegExp(` tcp \\d+ 127\\.0\\.0\\.1 ${service.webrtcTcpPort} typ host tcptype passive`));
    assert.doesNotMatch(answer(), new RegExp(` udp \\d+ \\S+ ${service.webrtcPort} typ host`));
    const pair = await selectedPair(page);
    t.diagnostic(`selected pair: ${JSON.stringify(pair)}`);
    assert.equal(pair?.remoteProtocol, 'tcp', JSON.stringify(pair));
    assert.equal(pair.remotePort, service.webrtcTcpPort);
    assert.ok(pair.bytesReceived > 10000, JSON.stringify(pair));
  } finally {
    await context.close();
    await service.stop();
  }
});

test('when UDP is blocked and ICE-TCP is off, the page falls back to LL-HLS', async () => {
  const service = await startService({ config: '[webrtc]\nudp_port = 0\ntcp_port = 0\n' });
  assert.equal(service.webrtcTcpPort, null);
  const context = await loggedIn(service);
  try {
    const page = await context.newPage();
    const answer = await blockUdp(page, service);
    await page.goto(service.url + '/');
    await page.waitForFunction(() => document.querySelector('#path').textContent === 'LL-HLS', null,
                               { timeout: 10000 });
    await page.waitForFunction(() => document.querySelector('#video').currentTime > 0, null, { timeout: 20000 });
    assert.doesNotMatch(answer(), / tcp /);
  } finally {
    await context.close();
    await service.stop();
  }
});
