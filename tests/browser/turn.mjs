// A TURN (and STUN) server for tests: Debian's coturn (`turnserver`) on loopback only, with its
// own config file in a temp dir, one static user (or, given `secret`, the "TURN REST API"
// credentials of use-auth-secret / static-auth-secret that hlscam's turn_secret makes), no TLS,
// relaying to loopback peers. It lives
// at most `lifetimeS` seconds (`timeout` ends it even when the test runner dies), and stop()
// ends it by the PID we started.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

// A UDP port free on 127.0.0.1 now (the system's pick; coturn cannot be told to pick one).
function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export async function startTurnServer({ lifetimeS = 240, secret = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hlscam-turn-'));
  const user = 'viewer';
  const password = randomBytes(12).toString('base64url');
  const port = await freeUdpPort();
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, [
    `listening-port=${port}`,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    'allow-loopback-peers',
    'no-tls',
    'no-dtls',
    'no-tcp',  // the test asks for TURN over UDP
    'no-cli',
    'no-multicast-peers',
    'fingerprint',
    'realm=hlscam.test',
    ...(secret ? ['use-auth-secret', `static-auth-secret=${secret}`] : ['lt-cred-mech', `user=${user}:${password}`]),
    `userdb=${join(dir, 'turndb')}`,
    `pidfile=${join(dir, 'turn.pid')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
    'max-allocate-lifetime=300',
  ].join('\n') + '\n');
  const child = spawn('timeout', ['--signal=KILL', String(lifetimeS), 'turnserver', '-c', config],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', () => {});  // 'socket: Protocol not supported' for each SCTP listener it tries
  const log = () => output;
  // Ready once it says it listens on our port.
  for (const deadline = Date.now() + 10000; ;) {
    if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}):\n${log()}`);
    if (new RegExp(`IPv4. UDP listener opened on: 127\\.0\\.0\\.1:${port}`).test(log())) break;
    if (Date.now() > deadline) throw new Error(`turnserver did not listen within 10 s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port, user, password, log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');  // `timeout`, the PID we started, passes it on to turnserver
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
