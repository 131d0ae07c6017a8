// Shared parts of the browser tests: run the real hlscam binary on a loopback port with a temp
// state dir, and launch Debian's headless Chromium through playwright-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const binary = process.env.HLSCAM_BINARY;
export const outputDir = process.env.HLSCAM_TEST_OUTPUT || join(tmpdir(), 'hlscam-test-output');

export function randomPassword() {
  return randomBytes(12).toString('base64url');
}

// Starts `hlscam serve` with a fresh state dir and a viewer user; resolves once it listens.
// `config` is the text of its config file (by default only a WebRTC port the system picks, so
// tests running side by side never share one). The WebRTC ports are in `webrtcPort` (UDP) and
// `webrtcTcpPort` (ICE-TCP; null when off).
export async function startService({ user = 'viewer', password = randomPassword(), args = [],
                                     config = '[webrtc]\nudp_port = 0\n' } = {}) {
  if (!binary) throw new Error('HLSCAM_BINARY is not set (ctest sets it)');
  const stateDir = mkdtempSync(join(tmpdir(), 'hlscam-browser-'));
  const add = spawnSync(binary, ['users', 'add', user, '--role', 'viewer', '--state-dir', stateDir],
                        { input: password + '\n', timeout: 30000 });
  if (add.status !== 0) throw new Error(`users add failed: ${add.stderr}`);

  const configFile = join(stateDir, 'hlscam.conf');
  writeFileSync(configFile, config);
  const child = spawn(binary, ['serve', '--config', configFile, '--listen', '127.0.0.1:0', '--state-dir', stateDir,
                               '--source', 'testpattern', ...args],
                      { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });  // the whole log, once
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hlscam did not listen within 20 s:\n${log}`)), 20000);
    const listening = () => {
      const m = /listening on (https?):\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (!m) return;
      clearTimeout(timer);
      child.stderr.off('data', listening);
      resolve({ scheme: m[1], number: Number(m[2]) });
    };
    child.stderr.on('data', listening);  // after the one that appends: sees the chunk in `log`
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`hlscam exited (${code}):\n${log}`)); });
  });
  const webrtc = /WebRTC \(WHEP\) media on UDP port (\d+)/.exec(log);
  const webrtcTcp = /WebRTC \(WHEP\) ICE-TCP on TCP port (\d+)/.exec(log);
  return {
    url: `${port.scheme}://127.0.0.1:${port.number}`,
    port: port.number,
    webrtcPort: webrtc ? Number(webrtc[1]) : null,
    webrtcTcpPort: webrtcTcp ? Number(webrtcTcp[1]) : null,
    pid: child.pid,
    user, password,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');  // the PID we started, nothing else
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

// `args` are added to Chromium's command line; `env` replaces its environment (a HOME whose NSS
// database trusts a test CA, for one).
export async function launchBrowser({ args = [], env } = {}) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required',
           ...args],
    ...(env ? { env } : {}),
  });
}

// The hooks that start the service (`options` as startService takes them) and a browser before a
// test file's first test, and stop both after its last; `onStarted(service, browser)` hands them
// to the file.
export function serviceAndBrowserForFile(options, onStarted) {
  let service;
  let browser;
  before(async () => {
    service = await startService(options);
    browser = await launchBrowser();
    onStarted(service, browser);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });
}

// The time code (core/capture/ClockOverlay.h) of the picture the <img> at `selector` shows now:
// { stamp, age (ms before now), width, height }, or null when there is none. Runs in the page
// (pass it to page.evaluate); self-contained for that reason. bench/stamp.mjs reads a <video>.
export function imageTimeCode(selector) {
  const img = document.querySelector(selector);
  if (!img || !img.naturalWidth) return null;
  const w = img.naturalWidth;
  const block = Math.max(4, Math.floor(w / 40) & ~1);
  const canvas = (window.__imageCanvas ??= document.createElement('canvas'));
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

export function screenshotPath(name) {
  mkdirSync(outputDir, { recursive: true });
  return join(outputDir, name);
}
