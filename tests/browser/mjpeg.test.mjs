// stream.mjpg in headless Chromium, as a wall tablet or Home Assistant's card shows it: an
// <img> whose picture keeps changing, and whose frames are new (the test pattern's time code).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, launchBrowser, screenshotPath } from './lib.mjs';

let service;
let browser;

before(async () => {
  service = await startService();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

// The time code (core/capture/ClockOverlay.h) of the frame an <img> shows now, and how old it
// is; null when there is none. Runs in the page.
function imageStamp() {
  const img = document.querySelector('#mjpeg');
  if (!img || !img.naturalWidth) return null;
  const w = img.naturalWidth;
  const block = Math.max(4, Math.floor(w / 40) & ~1);
  const canvas = (window.__mjpegCanvas ??= document.createElement('canvas'));
  canvas.width = w;
  canvas.height = block;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(img, 0, 0, w, block, 0, 0, w, block);
  const now = Date.now();
  const pixels = ctx.getImageData(0, 0, w, block).data;
  const bit = (i) => {
    const o = ((block >> 1) * w + i * block + (block >> 1)) * 4;
    return 0.299 * pixels[o] + 0.587 * pixels[o + 1] + 0.114 * pixels[o + 2] > 128 ? 1 : 0;
  };
  if (bit(0) !== 1 || bit(1) !== 0) return null;
  let stamp = 0;
  for (let i = 2; i < 34; ++i) stamp = stamp * 2 + bit(i);
  const span = 2 ** 32;
  return { stamp, age: ((now % span) - stamp + span) % span, width: w, height: img.naturalHeight };
}

test('an <img> shows the MJPEG stream, frame after frame', async () => {
  const context = await browser.newContext({
    httpCredentials: { username: service.user, password: service.password },
    viewport: { width: 700, height: 420 },
  });
  const page = await context.newPage();
  assert.equal((await page.goto(service.url + '/')).status(), 200);
  // The page's own origin: its Content-Security-Policy allows images from 'self'.
  await page.evaluate(() => {
    document.body.innerHTML = '<img id="mjpeg" src="/cam/cam0/stream.mjpg">';
  });
  await page.waitForFunction(() => document.querySelector('#mjpeg').naturalWidth > 0, null, { timeout: 20000 });
  const first = await page.evaluate(imageStamp);
  assert.ok(first, 'no time code in the picture');
  assert.equal(first.width, 640);
  assert.equal(first.height, 360);
  await page.waitForTimeout(1000);
  const second = await page.evaluate(imageStamp);
  assert.ok(second, 'no time code in the later picture');
  const advanced = (second.stamp - first.stamp + 2 ** 32) % 2 ** 32;
  console.log(`MJPEG in <img>: frames ${advanced} ms apart over 1 s; ages ${first.age} and ${second.age} ms`);
  assert.ok(advanced >= 700 && advanced <= 1500, `the picture advanced ${advanced} ms in 1 s`);
  assert.ok(second.age < 1500, `the picture shown is ${second.age} ms old`);
  await page.screenshot({ path: screenshotPath('mjpeg-img.png') });
  await context.close();
});
