// HTTPS with an ACME certificate in headless Chromium (issue 20): pebble issues hlscam a
// certificate through a real HTTP-01 validation, and Chromium, trusting pebble's root through
// the NSS database of its HOME (no ignoreHTTPSErrors), plays the stream from https://cam.test;
// pebble's certificates last 45 s, so hlscam renews within the test and the page keeps playing
// across the switch. A browser without the root refuses the page: the trust is what lets it in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, launchBrowser, screenshotPath } from './lib.mjs';
import { startPebble } from './pebble.mjs';

const name = 'cam.test';
const missing = ['pebble', 'pebble-challtestsrv', 'certutil', 'openssl']
  .filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const skip = missing.length ? `not installed: ${missing.join(', ')} (scripts/setup installs them)` : false;

let pebble;
let service;
const homes = [];

// A HOME for Chromium whose NSS database trusts `rootPem` as a CA (none when null).
function browserHome(rootPem) {
  const home = mkdtempSync(join(tmpdir(), 'hlscam-chromium-home-'));
  homes.push(home);
  const db = join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const certutil = (args) => {
    const r = spawnSync('certutil', ['-d', `sql:${db}`, ...args], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 0, `certutil ${args.join(' ')}: ${r.stderr}`);
  };
  certutil(['-N', '--empty-password']);
  if (rootPem) {
    writeFileSync(join(home, 'root.pem'), rootPem);
    certutil(['-A', '-t', 'C,,', '-n', 'pebble', '-i', join(home, 'root.pem')]);
  }
  return home;
}

const launch = (home) => launchBrowser({
  args: [`--host-resolver-rules=MAP ${name} 127.0.0.1`],
  env: { ...process.env, HOME: home },
});

// The leaf a fresh TLS connection to the service is served, checked against `rootPem`.
function servedCertificate(rootPem) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: service.port, servername: name, ca: rootPem }, () => {
      const leaf = socket.getPeerX509Certificate();
      socket.end();
      resolve(leaf);
    });
    socket.once('error', reject);
  });
}

const playing = () => {
  const v = document.querySelector('#video');
  return v && v.readyState >= 3 && !v.paused && v.currentTime > 0;
};
const currentTime = () => document.querySelector('#video').currentTime;

before(async () => {
  if (skip) return;
  pebble = await startPebble({ validitySeconds: 45 });
  service = await startService({
    config: `[server]\nhttp_listen = 127.0.0.1:${pebble.httpPort}\nannounce = false\n` +
            '[webrtc]\nenabled = false\n' +
            `[tls]\nacme_domain = ${name}\nacme_email = admin@${name}\n` +
            `acme_directory = ${pebble.directory}\nacme_ca = ${pebble.ca}\n`,
  });
});

after(async () => {
  await service?.stop();
  await pebble?.stop();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

test('Chromium trusting pebble\'s root plays over HTTPS, and keeps playing across a renewal', { skip }, async (t) => {
  const started = Date.now();
  for (const deadline = Date.now() + 60000; Date.now() < deadline && !service.log().includes('ACME: certificate issued for');)
    await new Promise((r) => setTimeout(r, 100));
  assert.ok(service.log().includes(`ACME: certificate issued for ${name}`), service.log());
  t.diagnostic(`from start to a pebble-issued certificate: ${Date.now() - started} ms`);

  const root = await pebble.root();
  const intermediate = new X509Certificate(await pebble.intermediate());
  const first = await servedCertificate(root);
  assert.equal(first.issuer, intermediate.subject, 'the served certificate is from pebble\'s intermediate');
  assert.ok(first.checkIssued(intermediate));
  assert.match(first.subjectAltName, new RegExp(`DNS:${name.replace('.', '\\.')}`));

  const url = `https://${name}:${service.port}/?cam=cam0&mode=hls`;
  const credentials = { httpCredentials: { username: service.user, password: service.password } };

  // Without pebble's root the browser refuses the page: what lets it in below is the trust.
  const untrusting = await launch(browserHome(null));
  try {
    const page = await (await untrusting.newContext(credentials)).newPage();
    await assert.rejects(page.goto(url), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await untrusting.close();
  }

  const browser = await launch(browserHome(root));
  try {
    const context = await browser.newContext(credentials);  // no ignoreHTTPSErrors
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto(url);
    assert.equal(response.status(), 200);
    const security = await response.securityDetails();
    assert.equal(security?.subjectName, name);
    assert.ok(security?.issuer && intermediate.subject.includes(`CN=${security?.issuer}`),
              `Chromium saw issuer ${security?.issuer}, pebble's intermediate is ${intermediate.subject}`);
    // A real certificate: HSTS (never sent with the self-signed stand-in; tst_acme checks that).
    assert.match((await response.allHeaders())['strict-transport-security'] ?? '', /^max-age=\d+/);

    await page.waitForFunction(playing, null, { timeout: 20000 });
    const t0 = await page.evaluate(currentTime);
    await page.waitForTimeout(3000);
    const t1 = await page.evaluate(currentTime);
    assert.ok(t1 - t0 >= 2, `currentTime advanced only ${t1 - t0} s in 3 s`);
    const decoded = await page.evaluate(() => document.querySelector('#video').getVideoPlaybackQuality().totalVideoFrames);
    assert.ok(decoded > 0, `frames decoded: ${decoded}`);

    // The renewal at two thirds of 45 s: a fresh connection gets a certificate with a new serial.
    let renewed = first;
    for (const deadline = Date.now() + 60000; Date.now() < deadline && renewed.serialNumber === first.serialNumber;) {
      await page.waitForTimeout(500);
      renewed = await servedCertificate(root);
    }
    assert.notEqual(renewed.serialNumber, first.serialNumber, `no renewal within 60 s:\n${service.log()}`);
    assert.ok(renewed.checkIssued(intermediate));
    t.diagnostic(`renewed: serial ${first.serialNumber} -> ${renewed.serialNumber}`);

    // The page plays on: its time still advances after the switch.
    const t2 = await page.evaluate(currentTime);
    await page.waitForTimeout(4000);
    const t3 = await page.evaluate(currentTime);
    assert.ok(t3 - t2 >= 2.5, `after the renewal currentTime advanced only ${t3 - t2} s in 4 s`);
    assert.ok(await page.evaluate(playing), 'the video is still playing after the renewal');
    await page.screenshot({ path: screenshotPath('acme-https.png') });
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
  }
});
