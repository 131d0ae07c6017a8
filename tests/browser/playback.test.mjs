// The viewer page in headless Chromium: it plays the test pattern through hls.js (?mode=hls:
// WebRTC, which the page tries first, has webrtc.test.mjs), and it does not without the right
// credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceAndBrowserForFile, screenshotPath } from './lib.mjs';
import { frameAgeMs } from '../../bench/stamp.mjs';

let service;
let browser;

// Glass-to-glass latency the page must stay under: about twice what a loaded 2-core machine
// measures, so a regression from 1 s to a few seconds fails. A sanitized service (scripts/
// sanitize) runs several times slower: only a sign of life is asked of it.
const maxLatencyMs = process.env.HLSCAM_SANITIZED ? 15000 : 2500;

serviceAndBrowserForFile({}, (s, b) => { [service, browser] = [s, b]; });

// A browser context that answers the Basic challenge with the test user's credentials.
const loggedIn = (options = {}) =>
  browser.newContext({ httpCredentials: { username: service.user, password: service.password }, ...options });

test('the page plays the stream and its time advances', async (t) => {
  const context = await loggedIn({ viewport: { width: 900, height: 560 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const response = await page.goto(service.url + '/?mode=hls');
  assert.equal(response.status(), 200);

  await page.waitForFunction(() => {
    const v = document.querySelector('#video');
    return v && v.readyState >= 3 && !v.paused && v.currentTime > 0;
  }, null, { timeout: 20000 });
  const t0 = await page.evaluate(() => document.querySelector('#video').currentTime);
  await page.waitForTimeout(3000);
  const info = await page.evaluate(() => {
    const v = document.querySelector('#video');
    return { t: v.currentTime, w: v.videoWidth, h: v.videoHeight,
             status: document.querySelector('#status').textContent,
             latency: document.querySelector('#latency').textContent };
  });
  assert.ok(info.t - t0 >= 2, `currentTime advanced only ${info.t - t0} s in 3 s`);
  assert.equal(info.w, 640);
  assert.equal(info.h, 360);
  assert.match(info.status, /playing/i);
  assert.match(info.latency, /\d/, `latency readout: ${info.latency}`);
  // The frames on screen carry their capture time as a time code that a program can read: the
  // median age of ten, read over 2 s, is the glass-to-glass latency (README: about 1.1 s).
  const ages = [];
  for (let i = 0; i < 10; ++i) {
    const age = await page.evaluate(frameAgeMs);
    if (age !== null) ages.push(age);
    await page.waitForTimeout(200);
  }
  ages.sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)];
  t.diagnostic(`browser latency: median ${median} ms (${ages.join(' ')})`);
  assert.ok(ages.length >= 5 && ages[0] > 0, `time codes read off the frames: ${ages.join(' ')}`);
  assert.ok(median < maxLatencyMs, `latency read off the frames: median ${median} ms (bound ${maxLatencyMs})`);
  await page.screenshot({ path: screenshotPath('viewer.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

// Timing: under a sanitizer (scripts/sanitize) the service runs several times slower than it does.
const sanitized = process.env.HLSCAM_SANITIZED ? 'the service runs under a sanitizer: timings do not hold' : false;

test('after a stall the page catches up with the live edge instead of drifting', { skip: sanitized }, async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/?mode=hls');
  await page.waitForFunction(() => document.querySelector('#video').currentTime > 0, null, { timeout: 20000 });
  // A network hiccup: for 6 s nothing the player asks for arrives; the picture freezes behind.
  const until = Date.now() + 6000;
  await page.route('**/cam/cam0/**', async (route) => {
    const wait = until - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await route.continue().catch(() => {});
  });
  // While the player waits, the element may briefly have no frame to read: sample the last
  // second and a half of the stall.
  await page.waitForTimeout(4000);
  let behind = null;
  while (Date.now() < until - 200) {
    behind = Math.max(behind ?? 0, (await page.evaluate(frameAgeMs)) ?? 0) || null;
    await page.waitForTimeout(100);
  }
  assert.ok(behind > 4000, `the frame on screen during the stall should be old: ${behind} ms`);
  // Back within a few seconds of the live edge, read off the frame's own time code.
  let age = behind;
  for (const deadline = Date.now() + 15000; Date.now() < deadline && !(age !== null && age < 2500);) {
    await page.waitForTimeout(250);
    age = await page.evaluate(frameAgeMs);
  }
  assert.ok(age !== null && age < 2500, `15 s after the stall the picture is still ${age} ms behind`);
  await context.close();
});

test('the page makes a token link that plays without a password', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/');
  await page.click('#share');
  await page.waitForFunction(() => /token=/.test(document.querySelector('#link-hls').value), null, { timeout: 10000 });
  const link = await page.evaluate(() => document.querySelector('#link-hls').value);
  assert.ok(link.startsWith(service.url + '/cam/cam0/index.m3u8?token='), link);
  await page.screenshot({ path: screenshotPath('viewer-link.png') });
  await context.close();

  // Someone without credentials: the link plays, and the media URIs carry the token on.
  const stranger = await browser.newContext();
  const playlist = await stranger.request.get(link);
  assert.equal(playlist.status(), 200);
  const text = await playlist.text();
  const segment = text.split('\n').find((l) => l.startsWith('seg'));
  assert.match(segment, /\?token=/);
  assert.equal((await stranger.request.get(new URL(segment, link).href)).status(), 200);
  assert.equal((await stranger.request.get(link.replace(/token=./, 'token=x'))).status(), 401);
  await stranger.close();
});

test('an unknown camera is said plainly, not retried forever', async () => {
  const context = await loggedIn();
  const page = await context.newPage();
  await page.goto(service.url + '/?cam=nope');
  await page.waitForFunction(() => /no camera named nope/.test(document.querySelector('#status').textContent),
                             null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.querySelector('#bar').dataset.state), 'error');
  await context.close();
});

test('a wrong password gets 401 and no video', async () => {
  const context = await browser.newContext({
    httpCredentials: { username: service.user, password: 'wrong-' + service.password },
  });
  const page = await context.newPage();
  const response = await page.goto(service.url + '/');
  assert.equal(response.status(), 401);
  assert.equal(await page.locator('video').count(), 0);
  await context.close();
});

test('no credentials get a Basic challenge', async () => {
  const context = await browser.newContext();
  const response = await context.request.get(service.url + '/cam/cam0/index.m3u8');
  assert.equal(response.status(), 401);
  assert.match(response.headers()['www-authenticate'] ?? '', /^Basic realm=/);
  await context.close();
});
