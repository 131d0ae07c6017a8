// stream.mjpg in headless Chromium, as a wall tablet or Home Assistant's card shows it: an
// <img> whose picture keeps changing, and whose frames are new (the test pattern's time code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceAndBrowserForFile, imageTimeCode, screenshotPath } from './lib.mjs';

let service;
let browser;
serviceAndBrowserForFile({}, (s, b) => { [service, browser] = [s, b]; });

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
  const first = await page.evaluate(imageTimeCode, '#mjpeg');
  assert.ok(first, 'no time code in the picture');
  assert.equal(first.width, 640);
  assert.equal(first.height, 360);
  await page.waitForTimeout(1000);
  const second = await page.evaluate(imageTimeCode, '#mjpeg');
  assert.ok(second, 'no time code in the later picture');
  const advanced = (second.stamp - first.stamp + 2 ** 32) % 2 ** 32;
  console.log(`MJPEG in <img>: frames ${advanced} ms apart over 1 s; ages ${first.age} and ${second.age} ms`);
  assert.ok(advanced >= 700 && advanced <= 1500, `the picture advanced ${advanced} ms in 1 s`);
  assert.ok(second.age < 1500, `the picture shown is ${second.age} ms old`);
  await page.screenshot({ path: screenshotPath('mjpeg-img.png') });
  await context.close();
});
