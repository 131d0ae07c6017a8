// The viewer page's grid (issue 19), its links panel and the single view's WebRTC handling
// (issue 18) in headless Chromium against the real binary: four cameras, one of them missing;
// tiles that stay live, a down camera that says so, a click that opens the camera large and
// plays, token links that work without credentials, a latency readout that agrees with the
// pattern's own time code, a fallback to LL-HLS that goes back to WebRTC, and a page that runs
// under its strict Content-Security-Policy. Screenshots at desktop and phone sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { serviceAndBrowserForFile, startService, imageTimeCode, screenshotPath } from './lib.mjs';
import { frameAgeMs } from '../../bench/stamp.mjs';

let service;
let browser;

// cam0 is the test pattern (--source); door names a device that does not exist: it is down.
const config = `[webrtc]
udp_port = 0
[camera.cam0]
[camera.garden]
device = testpattern
fps = 15
[camera.porch]
device = testpattern
fps = 15
[camera.door]
device = /dev/video99
`;
const sanitized = Boolean(process.env.HLSCAM_SANITIZED);

serviceAndBrowserForFile({ config }, (s, b) => { [service, browser] = [s, b]; });

const loggedIn = (options = {}) =>
  browser.newContext({ httpCredentials: { username: service.user, password: service.password }, ...options });

// A page that records Content-Security-Policy violations and script errors.
async function watchedPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`error: ${e}`));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The page's latency readout and the age read off the frame on screen, side by side.
async function latencyPairs(page, count) {
  const pairs = [];
  for (let i = 0; i < count * 3 && pairs.length < count; ++i) {
    await page.waitForTimeout(200);
    const pair = { shown: await page.evaluate(() => window.hlscamPlayer.latencyMs), read: await page.evaluate(frameAgeMs) };
    if (pair.shown !== null && pair.read !== null) pairs.push(pair);
  }
  return pairs;
}

test('GET /api/v1/me lists the cameras with their state and URLs, for a signed-in user only', async () => {
  const context = await loggedIn();
  const r = await context.request.get(service.url + '/api/v1/me');
  assert.equal(r.status(), 200);
  const me = await r.json();
  assert.equal(me.user, service.user);
  assert.equal(me.role, 'viewer');
  assert.deepEqual(me.cameras.map((c) => c.name), ['cam0', 'garden', 'porch', 'door']);
  const cam0 = me.cameras[0];
  assert.equal(cam0.width, 640);
  assert.equal(cam0.height, 360);
  assert.equal(cam0.fps, 25);
  assert.equal(cam0.playlist, '/cam/cam0/index.m3u8');
  assert.equal(cam0.snapshot, '/cam/cam0/snapshot.jpg');
  assert.equal(cam0.mjpeg, '/cam/cam0/stream.mjpg');
  assert.equal(cam0.whep, '/cam/cam0/whep');
  assert.equal((await context.request.post(service.url + '/api/v1/me', { data: {} })).status(), 405);
  await context.close();
  const stranger = await browser.newContext();
  assert.equal((await stranger.request.get(service.url + '/api/v1/me')).status(), 401);
  await stranger.close();
});

test('the grid shows every camera live with its name, and the one that is down says so', async () => {
  const context = await loggedIn({ viewport: { width: 1280, height: 800 } });
  const { page, problems } = await watchedPage(context);
  const response = await page.goto(service.url + '/');
  assert.equal(response.status(), 200);
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self';/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);

  await page.waitForSelector('.tile', { timeout: 10000 });
  assert.deepEqual(await page.$$eval('.tile .name', (n) => n.map((x) => x.textContent)), ['cam0', 'garden', 'porch', 'door']);
  // Three tiles with pictures that keep coming, each a recent frame of its own camera.
  const live = ['cam0', 'garden', 'porch'];
  const pictures = () => page.evaluate((names) => names.map((n) => window.hlscamGrid.tiles.get(n).pictures), live);
  await page.waitForFunction((names) => names.every((n) => window.hlscamGrid.tiles.get(n).pictures >= 2), live,
                             { timeout: 20000 });
  const before = await pictures();
  await page.waitForTimeout(3000);
  const later = await pictures();
  for (let i = 0; i < live.length; ++i)
    assert.ok(later[i] - before[i] >= 2, `${live[i]}: ${later[i] - before[i]} new pictures in 3 s`);
  for (const [i, name] of live.entries()) {
    const tile = `.tile:nth-child(${i + 1})`;
    assert.equal(await page.getAttribute(tile, 'data-state'), 'streaming', name);
    assert.equal(await page.textContent(`${tile} .state`), 'live');
    const age = (await page.evaluate(imageTimeCode, `${tile} img`))?.age ?? null;
    assert.ok(age !== null && age < (sanitized ? 15000 : 3000), `${name}: the tile's picture is ${age} ms old`);
  }
  // The missing camera: its tile says it is down, and why.
  const door = '.tile:nth-child(4)';
  assert.equal(await page.getAttribute(door, 'data-state'), 'down');
  assert.match(await page.textContent(`${door} .badge`), /camera down: not found/);
  assert.match(await page.textContent('#status'), /4 cameras, 1 not streaming/);
  await page.screenshot({ path: screenshotPath('grid-desktop.png') });
  // Four cameras: two by two, all on screen.
  const boxes = await page.$$eval('.tile', (n) => n.map((t) => t.getBoundingClientRect().toJSON()));
  assert.equal(new Set(boxes.map((b) => Math.round(b.left))).size, 2, `tile columns at ${boxes.map((b) => b.left)}`);
  assert.ok(boxes.every((b) => b.bottom <= 800), `tiles end at ${boxes.map((b) => b.bottom)}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('on a phone the grid is one column that fits the screen', async () => {
  const context = await loggedIn({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true,
                                   hasTouch: true });
  const { page, problems } = await watchedPage(context);
  await page.goto(service.url + '/');
  await page.waitForFunction(() => window.hlscamGrid && window.hlscamGrid.tiles.get('cam0').pictures >= 1, null,
                             { timeout: 20000 });
  const boxes = await page.$$eval('.tile', (n) => n.map((t) => t.getBoundingClientRect().toJSON()));
  assert.equal(boxes.length, 4);
  for (const box of boxes) {
    assert.equal(Math.round(box.left), Math.round(boxes[0].left));
    assert.ok(box.right <= 390, `a tile reaches ${box.right} px`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing scrolls sideways');
  // A phone's tile asks for a picture of its own size in device pixels, no bigger than the camera's.
  const asked = [];
  page.on('request', (r) => { if (r.url().includes('/snapshot.jpg')) asked.push(new URL(r.url()).searchParams.get('width')); });
  await page.waitForTimeout(1500);
  assert.ok(asked.length > 0 && asked.every((w) => w === '640'), `snapshot widths asked: ${asked.join(' ')}`);
  await page.screenshot({ path: screenshotPath('grid-phone.png') });
  // The links dialog fits the phone's width; the camera opened large too.
  await page.tap('.tile:nth-child(1) button');
  await page.waitForFunction(() => /token=/.test(document.querySelector('#link-hls').value), null, { timeout: 10000 });
  const dialog = await page.$eval('#links', (d) => d.getBoundingClientRect().toJSON());
  assert.ok(dialog.left >= 0 && dialog.right <= 390, `the dialog spans ${dialog.left} to ${dialog.right}`);
  await page.screenshot({ path: screenshotPath('links-phone.png') });
  await page.tap('#links-close');
  await page.tap('.tile:nth-child(2) .shot');
  await page.waitForFunction(() => window.hlscamPlayer && document.querySelector('#video').currentTime > 0, null,
                             { timeout: 20000 });
  const video = await page.$eval('#video', (v) => v.getBoundingClientRect().toJSON());
  assert.ok(video.width <= 390 && video.width >= 380, `the video is ${video.width} px wide`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: screenshotPath('single-phone.png') });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a click on a tile opens the camera large; it plays over WebRTC with its latency shown', async (t) => {
  const context = await loggedIn({ viewport: { width: 1280, height: 800 } });
  const { page, problems } = await watchedPage(context);
  await page.goto(service.url + '/');
  await page.click('.tile:nth-child(1) .shot');
  await page.waitForURL(/\?cam=cam0$/);
  assert.equal(await page.textContent('#camera'), 'cam0');
  await page.waitForFunction(() => window.hlscamPlayer && window.hlscamPlayer.path === 'WebRTC', null, { timeout: 15000 });
  await page.waitForFunction(() => document.querySelector('#video').currentTime > 0, null, { timeout: 10000 });
  assert.equal(await page.isVisible('#all'), true, 'a way back to the grid');
  assert.equal(await page.isVisible('#fullscreen'), true);
  await page.waitForFunction(() => /latency \d+ ms/.test(document.querySelector('#latency').textContent), null,
                             { timeout: 5000 });
  // The readout (the frame's RTP time on the sender's clock) agrees with the time code drawn
  // into the frame.
  const pairs = await latencyPairs(page, 10);
  const shown = median(pairs.map((p) => p.shown));
  const read = median(pairs.map((p) => p.read));
  t.diagnostic(`WebRTC: readout ${Math.round(shown)} ms, time code ${read} ms (median of ${pairs.length})`);
  assert.ok(pairs.length >= 5, 'readout and time code both known');
  assert.ok(Math.abs(shown - read) < (sanitized ? 2000 : 120), `readout ${shown} ms against the time code's ${read} ms`);
  await page.screenshot({ path: screenshotPath('single-webrtc.png') });
  // Fullscreen, from the button (left with the video's own controls, or Escape).
  await page.click('#fullscreen');
  await page.waitForFunction(() => document.fullscreenElement?.id === 'video', null, { timeout: 5000 });
  await page.evaluate(() => document.exitFullscreen());
  // A camera that is down, opened large, says so.
  await page.goto(service.url + '/?cam=door&mode=hls');
  await page.waitForFunction(() => /camera down: not found/.test(document.querySelector('#status').textContent), null,
                             { timeout: 15000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('WebRTC that cannot get through falls back to LL-HLS, and comes back when it can', async (t) => {
  const context = await loggedIn({ viewport: { width: 900, height: 560 } });
  const { page, problems } = await watchedPage(context);
  // A firewall that drops UDP: the answer's candidate points where nobody listens.
  let blocked = true;
  await page.route('**/cam/cam0/whep', async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    await route.fulfill({ response, body: blocked ? body.replaceAll(` ${service.webrtcPort} typ host`, ' 9 typ host') : body });
  });
  await page.goto(service.url + '/?cam=cam0');
  await page.waitForFunction(() => window.hlscamPlayer.path === 'LL-HLS', null, { timeout: 10000 });
  const fellBack = Date.now();
  await page.waitForFunction(() => window.hlscamPlayer.latencyMs !== null, null, { timeout: 20000 });
  const hlsPairs = await latencyPairs(page, 5);
  const hlsShown = median(hlsPairs.map((p) => p.shown));
  const hlsRead = median(hlsPairs.map((p) => p.read));
  t.diagnostic(`LL-HLS: readout ${Math.round(hlsShown)} ms, time code ${hlsRead} ms`);
  assert.match(await page.textContent('#latency'), /latency \d/);
  assert.ok(Math.abs(hlsShown - hlsRead) < (sanitized ? 5000 : 500), `HLS readout ${hlsShown} ms, time code ${hlsRead} ms`);
  // The page tries WebRTC again by itself 15 s after falling back; now it gets through.
  blocked = false;
  await page.waitForFunction(() => window.hlscamPlayer.path === 'WebRTC' && window.hlscamPlayer.latencyMs !== null, null,
                             { timeout: 30000 });
  const back = Date.now() - fellBack;
  t.diagnostic(`back to WebRTC ${back} ms after the fallback`);
  assert.ok(back >= 14000 && back < 25000, `back to WebRTC after ${back} ms (the first retry is due at 15 s)`);
  assert.equal(await page.evaluate(() => window.hlscamPlayer.hls), null, 'hls.js stopped');
  assert.equal(await page.evaluate(() => window.hlscamPlayer.webrtcTries), 1);
  // The first WebRTC picture may not be painted yet when the path switches: read it once it is.
  let age = null;
  for (let i = 0; i < 50 && age === null; ++i) {
    age = await page.evaluate(frameAgeMs);
    if (age === null) await page.waitForTimeout(100);
  }
  assert.ok(age !== null && age < (sanitized ? 5000 : 500), `after the switch the picture is ${age} ms old`);
  assert.deepEqual(problems, []);
  await context.close();
});

// The status of a GET, without reading a body that never ends (MJPEG).
function statusOf(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => { resolve({ status: res.statusCode, type: res.headers['content-type'] }); req.destroy(); });
    req.on('error', reject);
  });
}

test('the links panel gives token links for VLC, Home Assistant and OctoPrint that work without a password', async () => {
  const context = await loggedIn({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url });
  const { page, problems } = await watchedPage(context);
  await page.goto(service.url + '/');
  await page.click('.tile:nth-child(2) button');  // garden's links
  await page.waitForFunction(() => /token=/.test(document.querySelector('#link-hls').value), null, { timeout: 10000 });
  assert.equal(await page.textContent('#links-title'), 'Links for garden');
  const links = await page.evaluate(() => Object.fromEntries(
    ['link-hls', 'link-ha', 'link-mjpeg', 'link-snapshot'].map((id) => [id, document.getElementById(id).value])));
  assert.ok(links['link-hls'].startsWith(service.url + '/cam/garden/index.m3u8?token='), links['link-hls']);
  assert.ok(links['link-mjpeg'].startsWith(service.url + '/cam/garden/stream.mjpg?token='), links['link-mjpeg']);
  assert.ok(links['link-snapshot'].startsWith(service.url + '/cam/garden/snapshot.jpg?token='), links['link-snapshot']);
  assert.ok(links['link-ha'].includes(`still_image_url: "${links['link-snapshot']}"`), links['link-ha']);
  assert.ok(links['link-ha'].includes(`stream_source: "${links['link-hls']}"`), links['link-ha']);
  assert.match(await page.textContent('#links-expires'), /until /);
  await page.screenshot({ path: screenshotPath('links-panel.png') });
  // The copy button puts the field's text on the clipboard.
  await page.click('button[data-copy="link-snapshot"]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), links['link-snapshot']);
  // Escape closes it.
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.getElementById('links').open), false);
  assert.deepEqual(problems, []);
  await context.close();

  // Someone without credentials (VLC, Home Assistant, OctoPrint): every link answers.
  const stranger = await browser.newContext();
  const playlist = await stranger.request.get(links['link-hls']);
  assert.equal(playlist.status(), 200);
  assert.match(await playlist.text(), /#EXTM3U/);
  const snapshot = await stranger.request.get(links['link-snapshot']);
  assert.equal(snapshot.status(), 200);
  assert.equal(snapshot.headers()['content-type'], 'image/jpeg');
  const mjpeg = await statusOf(links['link-mjpeg']);
  assert.equal(mjpeg.status, 200);
  assert.match(mjpeg.type, /^multipart\/x-mixed-replace/);
  // The token is garden's: not cam0's, and not a password for the page.
  const token = new URL(links['link-hls']).searchParams.get('token');
  assert.equal((await stranger.request.get(`${service.url}/cam/cam0/snapshot.jpg?token=${token}`)).status(), 401);
  assert.equal((await stranger.request.get(`${service.url}/api/v1/me?token=${token}`)).status(), 401);
  await stranger.close();
});

test('with anonymous viewing the grid needs no password, and the links none either', async () => {
  const open = await startService({ config: `${config}[auth]\nanonymous = viewer\n` });
  try {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(open.url + '/');
    assert.equal(response.status(), 200);
    await page.waitForFunction(() => window.hlscamGrid && window.hlscamGrid.tiles.size === 4, null, { timeout: 10000 });
    assert.equal(await page.textContent('#user'), 'anonymous');
    await page.click('.tile:nth-child(1) button');
    await page.waitForFunction(() => document.querySelector('#link-hls').value !== '', null, { timeout: 5000 });
    assert.equal(await page.inputValue('#link-hls'), open.url + '/cam/cam0/index.m3u8');
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await open.stop();
  }
});
