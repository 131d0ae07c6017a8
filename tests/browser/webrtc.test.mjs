// WebRTC viewing in headless Chromium: the page plays the test pattern over WHEP (frames
// decoded, the right size, the time code read off the frames for the latency), falls back to
// LL-HLS when WebRTC cannot connect, and the WHEP endpoint keeps the media's rules: credentials
// (failures counted toward a ban), no cross-site sessions, session limits, DELETE frees one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceAndBrowserForFile, startService, screenshotPath, randomPassword } from './lib.mjs';
import { frameAgeMs } from '../../bench/stamp.mjs';

let service;
let browser;

// About twice what a loaded 2-core machine measures on loopback (median 30-60 ms), so a
// regression to HLS-like delays fails. Under a sanitizer only a sign of life is asked.
const maxLatencyMs = process.env.HLSCAM_SANITIZED ? 5000 : 300;
const maxFirstPictureMs = process.env.HLSCAM_SANITIZED ? 15000 : 3000;

serviceAndBrowserForFile({}, (s, b) => { [service, browser] = [s, b]; });

// Sessions the service says ended by DELETE so far.
const deletedSessions = () =>
  new Set([...service.log().matchAll(/session (\w+) of \w+ ended: closed by the viewer \(DELETE\)/g)].map((m) => m[1])).size;
async function waitForDeletes(count) {
  for (const deadline = Date.now() + 5000; Date.now() < deadline && deletedSessions() < count;)
    await new Promise((r) => setTimeout(r, 100));
  return deletedSessions();
}

const loggedIn = (options = {}) =>
  browser.newContext({ httpCredentials: { username: service.user, password: service.password }, ...options });

// A receive-only video offer as the page makes it, from a throwaway page of the service's origin.
async function makeOffer(page) {
  return page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription.sdp;
    pc.close();
    return sdp;
  });
}

test('the page plays the camera over WebRTC, about a frame behind', async (t) => {
  const context = await loggedIn({ viewport: { width: 900, height: 560 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const opened = Date.now();
  const response = await page.goto(service.url + '/?mode=webrtc');
  assert.equal(response.status(), 200);
  await page.waitForFunction(() => document.querySelector('#path').textContent === 'WebRTC', null,
                             { timeout: 15000 });
  const firstPictureMs = Date.now() - opened;

  // Frames keep coming, decoded, at the camera's rate (25 fps) and size.
  // Decoded: every frame the camera made (a loaded machine's compositor may show fewer of them).
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const v = document.querySelector('#video');
    let count = 0;
    const start = performance.now();
    const decodedBefore = v.getVideoPlaybackQuality().totalVideoFrames;
    const onFrame = () => {
      ++count;
      if (performance.now() - start < 2000) v.requestVideoFrameCallback(onFrame);
      else resolve({ count, w: v.videoWidth, h: v.videoHeight,
                     decoded: v.getVideoPlaybackQuality().totalVideoFrames - decodedBefore });
    };
    v.requestVideoFrameCallback(onFrame);
  }));
  assert.ok(frames.decoded >= 40, `only ${frames.decoded} frames decoded in 2 s (25 fps)`);
  assert.ok(frames.count >= 10, `only ${frames.count} frames shown in 2 s`);
  assert.equal(frames.w, 640);
  assert.equal(frames.h, 360);
  assert.match(await page.textContent('#status'), /playing/);

  // Glass to glass, from the time code drawn into each picture.
  const ages = [];
  for (let i = 0; i < 20; ++i) {
    const age = await page.evaluate(frameAgeMs);
    if (age !== null) ages.push(age);
    await page.waitForTimeout(100);
  }
  ages.sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)];
  const p95 = ages[Math.min(ages.length - 1, Math.floor(ages.length * 0.95))];
  t.diagnostic(`WebRTC latency: median ${median} ms, p95 ${p95} ms (${ages.join(' ')}); first picture ` +
               `${firstPictureMs} ms after the page was asked for; ${frames.decoded} frames decoded and ${frames.count} ` +
               'shown in 2 s');
  assert.ok(ages.length >= 15, `time codes read: ${ages.join(' ')}`);
  assert.ok(median < maxLatencyMs, `median latency ${median} ms (bound ${maxLatencyMs})`);
  assert.ok(firstPictureMs < maxFirstPictureMs, `first picture after ${firstPictureMs} ms`);
  await page.screenshot({ path: screenshotPath('viewer-webrtc.png') });

  // Leaving the page ends the session at once (DELETE), not when consent runs out in 30 s.
  const deleted = deletedSessions();
  await page.close({ runBeforeUnload: true });
  assert.equal(await waitForDeletes(deleted + 1), deleted + 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a new viewer's key frame is encoded while its handshake runs, and shown when it ends", { skip: !!process.env.HLSCAM_SANITIZED }, async (t) => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/api/v1/me');  // a page of the service's origin, playing nothing
  await page.waitForTimeout(700);  // key frames asked for by viewers are rate-limited (0.5 s)
  // The viewer waits 100 ms between the answer and ICE (as a slow one would): the key frame
  // asked for when the offer came is encoded meanwhile, held, and goes out once SRTP is up.
  // Asked for only then, the first picture would be captured after the handshake.
  const result = await page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    pc.ontrack = (event) => { video.srcObject = new MediaStream([event.track]); video.play().catch(() => {}); };
    await pc.setLocalDescription(await pc.createOffer());
    const r = await fetch('/cam/cam0/whep', { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
                                              body: pc.localDescription.sdp });
    const [, rtp, unixMs] = /^rtp=(\d+); unix-ms=(\d+)$/.exec(r.headers.get('X-Sender-Clock')).map(Number);
    const answer = await r.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const connected = new Promise((resolve) => pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') resolve(Date.now());
    }));
    const firstFrame = new Promise((resolve) => video.requestVideoFrameCallback((now, m) => resolve(m.rtpTimestamp)));
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const connectedAt = await connected;
    const frameRtp = await Promise.race([firstFrame, new Promise((resolve) => setTimeout(() => resolve(null), 5000))]);
    pc.close();
    if (frameRtp === null) return null;
    const ticks = ((frameRtp - rtp) % 2 ** 32 + 2 ** 32 + 2 ** 31) % 2 ** 32 - 2 ** 31;
    return { capturedBeforeConnectedMs: Math.round(connectedAt - (unixMs + ticks / 90)) };
  });
  assert.ok(result, 'no picture within 5 s of the connection');
  t.diagnostic(`first picture captured ${result.capturedBeforeConnectedMs} ms before the connection was up`);
  // Before, not by how much: a segment's own key frame may come during the wait and be held
  // instead (the fresher picture), as late as just before the connection.
  assert.ok(result.capturedBeforeConnectedMs > 0,
            `the first picture was captured ${result.capturedBeforeConnectedMs} ms before the connection was up`);
  await context.close();
});

test('when no WebRTC packet gets through, the page falls back to LL-HLS within seconds', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  // What a firewall that lets only HTTP through does: the viewer's checks reach nothing. The
  // answer's candidates (UDP and ICE-TCP) are moved to a port where nobody listens.
  await page.route('**/cam/cam0/whep', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replaceAll(
      new RegExp(` (${service.webrtcPort}|${service.webrtcTcpPort}) typ host`, 'g'), ' 9 typ host');
    await route.fulfill({ response, body });
  });
  const deleted = deletedSessions();
  const opened = Date.now();
  await page.goto(service.url + '/');
  await page.waitForFunction(() => document.querySelector('#path').textContent === 'LL-HLS', null, { timeout: 10000 });
  const fellBackMs = Date.now() - opened;
  await page.waitForFunction(() => document.querySelector('#video').currentTime > 0, null, { timeout: 20000 });
  assert.ok(fellBackMs < 6000, `fell back after ${fellBackMs} ms`);
  // The session it gave up on was ended at once (DELETE), not left to time out.
  assert.equal(await waitForDeletes(deleted + 1), deleted + 1);
  await page.close();
  await context.close();
});

test('?mode=hls plays LL-HLS without trying WebRTC', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  const whep = [];
  page.on('request', (r) => { if (r.url().includes('/whep')) whep.push(r.url()); });
  await page.goto(service.url + '/?mode=hls');
  await page.waitForFunction(() => document.querySelector('#video').currentTime > 0, null, { timeout: 20000 });
  assert.equal(await page.textContent('#path'), 'LL-HLS');
  assert.deepEqual(whep, []);
  await context.close();
});

test('WHEP: 201 with an answer and a Location; DELETE frees the session; the limit holds', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/?mode=hls');
  const offer = await makeOffer(page);
  await page.close();
  // A service of its own, so no session of another test counts toward its limit.
  const limited = await startService({ config: '[webrtc]\nudp_port = 0\nmax_sessions = 3\npublic_address = 203.0.113.7\n',
                                       user: service.user, password: service.password });
  try {
    await whepRules(context, limited, offer);
  } finally {
    await limited.stop();
  }
  await context.close();
});

async function whepRules(context, service, offer) {
  const post = () => context.request.post(service.url + '/cam/cam0/whep',
                                          { headers: { 'Content-Type': 'application/sdp' }, data: offer });
  const sessions = [];
  for (let i = 0; i < 3; ++i) {
    const r = await post();
    assert.equal(r.status(), 201, await r.text());
    assert.equal(r.headers()['content-type'], 'application/sdp');
    const where = r.headers().location;
    assert.match(where, /^\/cam\/cam0\/whep\/[0-9a-f]{32}$/);
    const answer = await r.text();
    for (const line of ['a=ice-lite', 'a=setup:passive', 'a=sendonly', 'a=rtcp-mux', 'a=rtcp-fb:', 'ccm fir',
                        'packetization-mode=1', `127.0.0.1 ${service.webrtcPort} typ host`,
                        `203.0.113.7 ${service.webrtcPort} typ host`])  // [webrtc] public_address
      assert.ok(answer.includes(line), `answer lacks ${line}:\n${answer}`);
    sessions.push(where);
  }
  // max_sessions = 3: the fourth waits for one to end.
  const full = await post();
  assert.equal(full.status(), 503);
  assert.match(await full.text(), /max_sessions/);
  // Someone else's DELETE of an unknown session: 404; the owner's: 200, and there is room again.
  assert.equal((await context.request.delete(service.url + '/cam/cam0/whep/' + '0'.repeat(32))).status(), 404);
  assert.equal((await context.request.delete(service.url + sessions[0])).status(), 200);
  assert.equal((await context.request.delete(service.url + sessions[0])).status(), 404);
  const again = await post();
  assert.equal(again.status(), 201);
  sessions[0] = again.headers().location;
  for (const where of sessions)
    assert.equal((await context.request.delete(service.url + where)).status(), 200);

  // Methods: OPTIONS says what is allowed (no credentials needed), PATCH is 405.
  const stranger = await browser.newContext();
  const options = await stranger.request.fetch(service.url + '/cam/cam0/whep', { method: 'OPTIONS' });
  assert.equal(options.status(), 204);
  assert.equal(options.headers().allow, 'POST, OPTIONS');
  assert.equal(options.headers()['access-control-allow-origin'], undefined);
  const patch = await context.request.fetch(service.url + sessions[0], { method: 'PATCH', data: 'a=candidate' });
  assert.equal(patch.status(), 405);
  // A bad offer is a 400 that says why; another content type a 415; an unknown camera a 404.
  const bad = await context.request.post(service.url + '/cam/cam0/whep',
                                         { headers: { 'Content-Type': 'application/sdp' }, data: 'v=0\r\n' });
  assert.equal(bad.status(), 400);
  assert.match(await bad.text(), /no video section offers H.264/);
  const form = await context.request.post(service.url + '/cam/cam0/whep',
                                          { headers: { 'Content-Type': 'text/plain' }, data: offer });
  assert.equal(form.status(), 415);
  const nope = await context.request.post(service.url + '/cam/nope/whep',
                                          { headers: { 'Content-Type': 'application/sdp' }, data: offer });
  assert.equal(nope.status(), 404);
  await stranger.close();
}

test('WHEP from another site is refused before credentials are looked at', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/?mode=hls');
  const offer = await makeOffer(page);
  for (const headers of [{ Origin: 'http://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }]) {
    const r = await context.request.post(service.url + '/cam/cam0/whep',
                                         { headers: { 'Content-Type': 'application/sdp', ...headers }, data: offer });
    assert.equal(r.status(), 403, JSON.stringify(headers));
  }
  await context.close();
});

test('wrong credentials and bad tokens get 401 and count toward a ban', async () => {
  // A service of its own that bans loopback after three failures.
  const strict = await startService({ config: '[webrtc]\nudp_port = 0\n[bans]\nmaxretry = 3\nignoreip =\n' });
  const context = await browser.newContext();
  try {
    const page = await (await loggedIn()).newPage();
    await page.goto(service.url + '/?mode=hls');
    const offer = await makeOffer(page);
    await page.context().close();
    const post = (headers) => context.request.post(strict.url + '/cam/cam0/whep', {
      headers: { 'Content-Type': 'application/sdp', ...headers }, data: offer });
    const none = await post({});
    assert.equal(none.status(), 401);  // a challenge, not a failure
    const basic = 'Basic ' + Buffer.from(`${strict.user}:wrong-${randomPassword()}`).toString('base64');
    assert.equal((await post({ Authorization: basic })).status(), 401);
    assert.equal((await post({ Authorization: 'Bearer not-a-token' })).status(), 401);
    assert.equal((await post({ Authorization: basic })).status(), 401);  // the third: banned
    await assert.rejects(post({}), 'a banned address is cut off before a byte is read');
    assert.match(strict.log(), /bad-token/);
    assert.match(strict.log(), /wrong-password/);
  } finally {
    await context.close();
    await strict.stop();
  }
});
