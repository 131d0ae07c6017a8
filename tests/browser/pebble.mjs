// Let's Encrypt's test server pebble on loopback for the browser tests, as tst_acme starts it:
// its own HTTPS under a CA made here (hlscam's acme_ca), its validation authority sent to a given
// port for HTTP-01 and its resolver pointed at pebble-challtestsrv, which answers 127.0.0.1 for
// every name. Roots and intermediates are pebble's own, made anew at each start.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A TCP port nobody listens on now (the system picks it).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function run(program, args) {
  const r = spawnSync(program, args, { timeout: 30000, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

// Starts `program` and resolves once its output contains `ready`; rejects after 15 s.
function startUntil(program, args, ready, env) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${program} did not start within 15 s:\n${log}`)), 15000);
    const onData = (chunk) => {
      log += chunk;
      if (log.includes(ready)) { clearTimeout(timer); resolve(child); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${program} exited (${code}):\n${log}`)); });
  });
}

async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');  // the PID we started, nothing else
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

// pebble with certificates valid `validitySeconds` (0: its default of years) and the DNS server
// it resolves with. Resolves to { directory, ca (path of the CA of its HTTPS), httpPort,
// root() and intermediate() (PEM), stop() }.
export async function startPebble({ validitySeconds = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hlscam-pebble-'));
  const children = [];
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // pebble's own HTTPS: a CA of ours and a certificate for 127.0.0.1 signed by it.
    const ca = join(dir, 'ca.pem');
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', ca, '-days', '2',
                    '-subj', '/CN=hlscam test CA']);
    run('openssl', ['req', ...ec, '-keyout', join(dir, 'pebble.key'), '-out', join(dir, 'pebble.csr'),
                    '-subj', '/CN=127.0.0.1']);
    writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
    run('openssl', ['x509', '-req', '-in', join(dir, 'pebble.csr'), '-CA', ca, '-CAkey', join(dir, 'ca.key'),
                    '-CAcreateserial', '-out', join(dir, 'pebble.pem'), '-days', '2', '-extfile', join(dir, 'ext')]);

    // Every name resolves to 127.0.0.1 (A only: the validation goes to hlscam's IPv4 listener).
    const dnsPort = await freePort();
    children.push(await startUntil('pebble-challtestsrv',
      ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '',
       '-management', `127.0.0.1:${await freePort()}`, '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''],
      'Starting challenge servers'));

    const port = await freePort();
    const managementPort = await freePort();
    const httpPort = await freePort();
    const config = {
      listenAddress: `127.0.0.1:${port}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: join(dir, 'pebble.pem'),
      privateKey: join(dir, 'pebble.key'),
      httpPort,
      tlsPort: await freePort(),
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
      ...(validitySeconds > 0 ? { certificateValidityPeriod: validitySeconds } : {}),
    };
    writeFileSync(join(dir, 'pebble.json'), JSON.stringify({ pebble: config }));
    children.push(await startUntil('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`],
                                   'ACME directory available',
                                   { PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0' }));
    const caPem = readFileSync(ca);
    const management = (path) => new Promise((resolve, reject) => {
      get(`https://127.0.0.1:${managementPort}${path}`, { ca: caPem }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { body += c; });
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: ${res.statusCode}`))));
      }).on('error', reject);
    });
    return {
      directory: `https://127.0.0.1:${port}/dir`,
      ca,
      httpPort,
      root: () => management('/roots/0'),
      intermediate: () => management('/intermediates/0'),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
