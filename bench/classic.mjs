// The classic stack of the recipe (../shared/reference/classic-stack-recipe.txt) on loopback, for
// the benchmarks: `hlscam pattern` (the same stamped picture hlscam encodes) piped into the
// recipe's ffmpeg command line, pushing RTMP to nginx with Debian's libnginx-mod-rtmp, which
// cuts HLS with the recipe's settings; nginx also serves a page with a stock hls.js player.
// nginx comes from bench/nginx-rtmp (Debian's packages unpacked into build/, not installed).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, copyFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const hlscamBinary = process.env.HLSCAM_BINARY || join(root, 'build/app/hlscam');

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts the stack. `gop`: ffmpeg's -g (the recipe sets none: x264's default 250);
// `htpasswd`: a file for the recipe's Basic auth on the HTTP side (none: no auth);
// `extraHttp`: more nginx http-level configuration (e.g. a caching proxy server block).
export async function startClassic({ gop, htpasswd, extraHttp = '', size = '640x360', bitrate = '800k' } = {}) {
  const [nginxBinary, rtmpModule] = execFileSync(join(root, 'bench/nginx-rtmp')).toString().trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'classic-stack-'));
  const [rtmpPort, httpPort] = [await freePort(), await freePort()];
  for (const d of ['hls', 'www', 'www/js', 'logs', 'cache']) mkdirSync(join(dir, d));
  // Not at /hls.min.js: the recipe's `location /hls` would take it.
  copyFileSync(join(root, 'node_modules/hls.js/dist/hls.min.js'), join(dir, 'www/js/hls.min.js'));
  // The recipe's page, with hls.js from npm in place of Clappr from a CDN (Clappr plays HLS
  // through hls.js too), in its default configuration.
  writeFileSync(join(dir, 'www/index.html'), `<!doctype html><html><head><meta charset="utf-8"><title>webcam-stream</title>
<script src="/js/hls.min.js"></script></head><body><video id="video" muted autoplay playsinline width="640" height="360"></video>
<script>const v = document.getElementById('video'); const hls = new Hls(); hls.loadSource('/hls/stream.m3u8'); hls.attachMedia(v);</script>
</body></html>`);
  const auth = htpasswd ? `auth_basic "webcam";\n  auth_basic_user_file ${htpasswd};` : '';
  writeFileSync(join(dir, 'nginx.conf'), `load_module ${rtmpModule};
worker_processes 1;
error_log ${dir}/logs/error.log;
pid ${dir}/logs/nginx.pid;
events { worker_connections 1024; }
rtmp {
  access_log off;
  server {
    listen 127.0.0.1:${rtmpPort};
    chunk_size 4000;
    application show {
      allow publish 127.0.0.1;
      deny publish all;
      live on;
      hls on;
      hls_path ${dir}/hls/;
      hls_fragment 3;
      hls_playlist_length 60;
      deny play all;
    }
  }
}
http {
  access_log off;
  sendfile off;
  tcp_nopush on;
  directio 512;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/logs/body;
  proxy_temp_path ${dir}/logs/proxy;
  fastcgi_temp_path ${dir}/logs/fastcgi;
  uwsgi_temp_path ${dir}/logs/uwsgi;
  scgi_temp_path ${dir}/logs/scgi;
  ${auth}
  server {
    listen 127.0.0.1:${httpPort};
    location /hls {
      rewrite /hls/(.*) /$1 break;
      add_header Cache-Control no-cache;
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      root ${dir}/hls;
    }
    location / { root ${dir}/www; }
  }
  ${extraHttp.replaceAll('@DIR@', dir)}
}
`);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'hls'), 0o777);  // nginx's worker (nobody, when started as root) writes here
  chmodSync(join(dir, 'cache'), 0o777);
  const nginx = spawn(nginxBinary, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'inherit' });
  await sleep(300);
  const pattern = spawn(hlscamBinary, ['pattern', '--size', size, '--fps', '25'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ffmpeg = spawn('ffmpeg', ['-v', 'fatal', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', size, '-framerate', '25',
                                  '-i', '-', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency',
                                  ...(gop ? ['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'] : []),
                                  '-b:v', bitrate, '-profile:v', 'baseline', '-f', 'flv',
                                  `rtmp://127.0.0.1:${rtmpPort}/show/stream`],
                       { stdio: ['pipe', 'inherit', 'inherit'] });
  pattern.stdout.pipe(ffmpeg.stdin);
  ffmpeg.stdin.on('error', () => {});
  const children = [pattern, ffmpeg, nginx];
  return {
    dir,
    url: `http://127.0.0.1:${httpPort}`,
    playlist: `http://127.0.0.1:${httpPort}/hls/stream.m3u8`,
    // nginx's master and its worker(s), ffmpeg and the pattern: every process of the stack.
    pids() {
      const workers = spawnSync('pgrep', ['-P', String(nginx.pid)]).stdout.toString().split('\n').filter(Boolean).map(Number);
      return [pattern.pid, ffmpeg.pid, nginx.pid, ...workers];
    },
    async stop() {
      for (const c of children)
        if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');  // our own PIDs
      await sleep(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// nginx as a caching reverse proxy in front of `upstream` (the configuration the README gives
// for serving many viewers): one cache entry per URL and credentials, concurrent misses for the
// same entry wait for one request upstream (proxy_cache_lock), so a blocking playlist reload or a
// part asked for by 100 viewers reaches hlscam once.
export async function startCachingProxy(upstream) {
  const [nginxBinary] = execFileSync(join(root, 'bench/nginx-rtmp')).toString().trim().split('\n');
  const dir = mkdtempSync(join(tmpdir(), 'nginx-proxy-'));
  const port = await freePort();
  for (const d of ['logs', 'cache']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'nginx.conf'), `worker_processes 1;
error_log ${dir}/logs/error.log;
pid ${dir}/logs/nginx.pid;
events { worker_connections 4096; }
http {
  # Each request with whether the cache answered it ($upstream_cache_status HIT) or hlscam did.
  log_format fanout '$msec $request_uri $upstream_cache_status $status';
  access_log ${dir}/logs/access.log fanout;
  client_body_temp_path ${dir}/logs/body;
  proxy_temp_path ${dir}/logs/proxy;
  fastcgi_temp_path ${dir}/logs/fastcgi;
  uwsgi_temp_path ${dir}/logs/uwsgi;
  scgi_temp_path ${dir}/logs/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=hlscam:10m max_size=256m inactive=1m use_temp_path=off;
  upstream hlscam { server ${upstream}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://hlscam;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_cache hlscam;
      proxy_cache_key $request_uri$http_authorization;
      proxy_cache_lock on;
      proxy_cache_lock_age 10s;
      proxy_cache_lock_timeout 10s;
      proxy_read_timeout 15s;
    }
  }
}
`);
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'cache'), 0o777);
  const nginx = spawn(nginxBinary, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'inherit' });
  await sleep(300);
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog: join(dir, 'logs/access.log'),
    async stop() {
      if (nginx.exitCode === null && nginx.signalCode === null) nginx.kill('SIGTERM');  // our own PID
      await sleep(300);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Polls a playlist until it lists `count` segments (lines matching `segment`).
export async function waitForSegments(url, authorization, count, segment, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const text = await fetch(url, { headers: authorization ? { Authorization: authorization } : {} })
      .then((r) => (r.ok ? r.text() : ''), () => '');
    if (text.split('\n').filter((l) => segment.test(l)).length >= count) return text;
    if (Date.now() - started > timeoutMs) throw new Error(`${url}: fewer than ${count} segments after ${timeoutMs} ms`);
    await sleep(100);
  }
}
