// One camera large. WebRTC (WHEP) first; LL-HLS when no picture comes over WebRTC within a few
// seconds or its connection fails; and back to WebRTC later: while HLS plays, a WebRTC session
// is tried again in the background (after 15 s, then doubling up to 5 min) and takes over once
// it decodes pictures. ?mode=webrtc or ?mode=hls keeps to one path. The bar shows which path
// plays and how far behind the camera the picture is.
import { setStatus, cameraDownText } from './dom.js';

const webrtcFirstPictureMs = 3000;
const retryFirstMs = 15000;
const retryMaxMs = 300000;

// "rtp=R; unix-ms=W" from the WHEP answer (X-Sender-Clock): RTP timestamp R was wall time W.
function parseSenderClock(header) {
  const m = /^rtp=(\d+); unix-ms=(\d+)$/.exec(header || '');
  return m ? { rtp: Number(m[1]), unixMs: Number(m[2]) } : null;
}
// The wall-clock capture time of a frame's RTP timestamp (90 kHz, wrapping at 2^32).
function captureTime(clock, rtp) {
  const ticks = ((rtp - clock.rtp) % 2 ** 32 + 2 ** 32 + 2 ** 31) % 2 ** 32 - 2 ** 31;
  return clock.unixMs + ticks / 90;
}

// The ICE servers of the WHEP endpoint's Link headers (RFC 9725 4.6), as fetch joins them:
// `<turn:host?transport=udp>; rel="ice-server"; username="u"; credential="c"; credential-type="password", <stun:...>; ...`.
// Bounded: the first 8 KiB, at most 8 servers; a TURN server without password credentials is left
// out (the browser would refuse the whole configuration).
const maxIceServers = 8;
function parseIceServers(header) {
  const servers = [];
  const links = /<([^<>\s]{1,512})>((?:\s*;\s*[A-Za-z-]{1,32}\s*=\s*(?:"[^"]{0,512}"|[^;,"\s]{0,512}))*)/g;
  for (const link of (header || '').slice(0, 8192).matchAll(links)) {
    const params = {};
    for (const p of link[2].matchAll(/([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|([^;,"\s]*))/g))
      params[p[1].toLowerCase()] = p[2] ?? p[3];
    if (params.rel !== 'ice-server' || !/^(stun|turns?):/i.test(link[1])) continue;
    const server = { urls: link[1] };
    if (/^turns?:/i.test(link[1])) {
      if (params.username === undefined || params.credential === undefined ||
          (params['credential-type'] ?? 'password') !== 'password') continue;
      server.username = params.username;
      server.credential = params.credential;
    }
    servers.push(server);
    if (servers.length === maxIceServers) break;
  }
  return servers;
}

// The endpoint's ICE servers, asked with an OPTIONS that carries the page's credentials (the
// service answers an OPTIONS without any, such as a CORS preflight, with none); [] when none
// are configured, on any failure, and after `waitMs`: a slow answer must not hold the session.
function iceServersOf(camera, waitMs) {
  const asked = fetch(`/cam/${camera}/whep`, { method: 'OPTIONS' })
    .then((r) => (r.ok ? parseIceServers(r.headers.get('Link')) : []), () => []);
  return Promise.race([asked, new Promise((resolve) => setTimeout(() => resolve([]), waitMs))]);
}

function latencyWords(ms) {
  if (ms === null) return 'latency –';
  return ms < 1000 ? `latency ${Math.round(ms)} ms` : `latency ${(ms / 1000).toFixed(1)} s`;
}

export function showCamera(camera, { mode }) {
  const video = document.getElementById('video');
  const pathText = document.getElementById('path');
  const latencyText = document.getElementById('latency');
  const src = `/cam/${camera}/index.m3u8`;
  document.getElementById('camera').textContent = camera;
  document.title = `${camera} – hlscam`;

  let hls = null;
  let playingDate = () => null;  // HLS: the wall-clock time of the frame on screen, if the stream says
  let rtc = null;  // the WebRTC session that plays
  let firstPictureMs = null;  // since the page was asked for (performance.now())
  let retryDelay = retryFirstMs;
  let retryTimer = null;
  let webrtcTries = 0;
  let latencyMs = null;
  let rtcFrame = null;  // WebRTC: { rtp, shownAt } of the newest frame on screen
  let downText = null;  // the camera is not streaming (from the camera list)
  let gaveUp = false;  // an answer that retrying cannot mend (401, 403, no such camera)

  // Player events say playing or waiting; a camera known to be down says so instead.
  function report(state, text) {
    if (downText && state !== 'playing') setStatus('error', downText);
    else setStatus(state, text);
  }

  // --- WebRTC ---
  // Resolves once a picture is decoded: `attach` plays into the page's video at once (the first
  // try); otherwise (a try while HLS plays) a detached element takes the track until it is used.
  async function openSession(attach) {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    const session = { pc, location: null, stream: null, clock: null, probe: null };
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (event) => {
      session.stream = new MediaStream([event.track]);
      if (attach) {
        video.srcObject = session.stream;
      } else {
        session.probe = document.createElement('video');
        session.probe.muted = true;
        session.probe.srcObject = session.stream;
        session.probe.play().catch(() => {});
      }
    };
    try {
      // The ICE servers (a TURN relay for networks that let nothing reach the service's ports)
      // are asked while the offer is made, and set before gathering starts.
      const iceServers = iceServersOf(camera, 1000);
      // The offer goes out before it is set locally: the service is ICE-lite and learns our
      // address from our checks (through a relay too), so it needs no candidate of ours, and the
      // request does not wait for gathering to start (tens of ms).
      const offer = await pc.createOffer();
      const posted = fetch(`/cam/${camera}/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' },
                                                    body: offer.sdp });
      const servers = await iceServers;
      if (servers.length) {
        try {
          pc.setConfiguration({ ...pc.getConfiguration(), iceServers: servers });
        } catch (e) {
          console.info(`ICE servers not used: ${e.message}`);
        }
      }
      await pc.setLocalDescription(offer);
      const r = await posted;
      if (r.status !== 201) throw new Error(`WHEP answered ${r.status}`);
      session.location = r.headers.get('Location');
      session.clock = parseSenderClock(r.headers.get('X-Sender-Clock'));
      await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
      await firstPicture(session, attach);
      return session;
    } catch (e) {
      closeSession(session);
      throw e;
    }
  }

  function firstPicture(session, attach) {
    const { pc } = session;
    return new Promise((resolve, reject) => {
      let poll = null;
      const done = (error) => {
        clearTimeout(timer);
        clearInterval(poll);
        pc.removeEventListener('connectionstatechange', failed);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error('no picture over WebRTC')), webrtcFirstPictureMs);
      const failed = () => {
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') done(new Error(`WebRTC ${pc.connectionState}`));
      };
      pc.addEventListener('connectionstatechange', failed);
      if (attach && 'requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => done());
      // A decoded frame, whether shown or not.
      poll = setInterval(async () => {
        const stats = await pc.getStats().catch(() => null);
        stats?.forEach((s) => { if (s.type === 'inbound-rtp' && s.framesDecoded > 0) done(); });
      }, 100);
    });
  }

  function closeSession(session) {
    session.pc.close();
    if (session.probe) session.probe.srcObject = null;
    if (session.location) fetch(session.location, { method: 'DELETE' }).catch(() => {});
  }

  function useWebRtc(session) {
    stopHls();
    rtc = session;
    if (session.probe) session.probe.srcObject = null;
    video.srcObject = session.stream;
    video.play().catch(() => {});
    if (firstPictureMs === null) firstPictureMs = performance.now();
    retryDelay = retryFirstMs;
    pathText.textContent = 'WebRTC';
    report('playing', 'playing');
    watchFrames(session);
    // The network went away later: HLS, and WebRTC again after a while.
    session.pc.addEventListener('connectionstatechange', () => {
      const state = session.pc.connectionState;
      if (rtc === session && (state === 'failed' || state === 'closed')) {
        stopWebRtc();
        fallBack(`WebRTC ${state}`);
      }
    });
  }

  function stopWebRtc() {
    if (!rtc) return;
    const session = rtc;
    rtc = null;
    rtcFrame = null;
    closeSession(session);
    video.srcObject = null;
  }

  // Each frame shown over WebRTC: its RTP timestamp and when it was shown, for the latency.
  function watchFrames(session) {
    if (!('requestVideoFrameCallback' in video)) return;
    const onFrame = (now, metadata) => {
      if (rtc !== session) return;
      if (metadata.rtpTimestamp !== undefined)
        rtcFrame = { rtp: metadata.rtpTimestamp, shownAt: Date.now() - (performance.now() - metadata.presentationTime) };
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  function fallBack(why) {
    console.info(`${why}: ${mode === 'webrtc' ? 'trying again later' : 'LL-HLS'}`);
    if (mode === 'webrtc') report('error', `${why}; trying again`);
    else startHls();
    scheduleRetry();
  }

  function scheduleRetry() {
    if (mode === 'hls' || !window.RTCPeerConnection || retryTimer || gaveUp) return;
    const delay = retryDelay;
    retryDelay = Math.min(retryDelay * 2, retryMaxMs);
    retryTimer = setTimeout(retryWebRtc, delay);
  }

  async function retryWebRtc() {
    retryTimer = null;
    if (rtc) return;
    if (document.hidden) {  // nobody looks: try when someone does
      document.addEventListener('visibilitychange', retryWebRtc, { once: true });
      return;
    }
    ++webrtcTries;
    try {
      const session = await openSession(!hls && !video.src);
      if (rtc) closeSession(session);
      else useWebRtc(session);
    } catch (e) {
      console.info(`WebRTC again: ${e.message}`);
      scheduleRetry();
    }
  }

  // Leaving the page ends the session at once (else it ends when consent checks stop, 30 s).
  window.addEventListener('pagehide', () => {
    if (rtc && rtc.location) fetch(rtc.location, { method: 'DELETE', keepalive: true }).catch(() => {});
  });

  // --- LL-HLS ---
  // hls.js (some 400 KB) is loaded only when HLS plays: WebRTC's first picture does not wait for it.
  function loadPlayer() {
    return new Promise((resolve) => {
      if (window.Hls || !window.MediaSource) return resolve();  // Safari on iOS plays HLS itself
      const script = document.createElement('script');
      script.src = '/player.js';
      script.onload = script.onerror = () => resolve();
      document.head.appendChild(script);
    });
  }

  function startHls() {
    if (hls || video.src) return;
    pathText.textContent = 'LL-HLS';
    loadPlayer().then(() => { if (!rtc) playHls(); });
  }

  function stopHls() {
    if (hls) {
      hls.destroy();
      hls = null;
    }
    if (video.src) {
      video.removeAttribute('src');
      video.load();
    }
    playingDate = () => null;
  }

  function playHls() {
    if (window.Hls && Hls.isSupported()) {
      // Live and low latency: start at the live edge, keep little behind, retry for a while.
      const player = new Hls({
        lowLatencyMode: true,
        liveSyncDurationCount: 1,
        liveMaxLatencyDurationCount: 4,
        maxLiveSyncPlaybackRate: 1.5,
        backBufferLength: 10,
        manifestLoadingMaxRetry: 6,
        levelLoadingMaxRetry: 6,
        fragLoadingMaxRetry: 6,
      });
      hls = player;
      let networkRetries = 0;
      player.on(Hls.Events.FRAG_BUFFERED, () => { networkRetries = 0; });
      player.on(Hls.Events.ERROR, (_event, data) => {
        if (hls !== player) return;
        const code = data.response && data.response.code;
        // Errors that retrying cannot mend: say so and stop, rather than spin.
        const final = code === 401 ? 'not authorised: reload the page to log in again'
                    : code === 403 ? 'forbidden'
                    : code === 404 && data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR ? `no camera named ${camera}`
                    : null;
        if (final) {
          setStatus('error', final);
          gaveUp = true;  // nothing to try again, over either path
          clearTimeout(retryTimer);
          stopHls();
          return;
        }
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          report('waiting', 'recovering…');
          player.recoverMediaError();
        } else {
          const delay = Math.min(1000 * 2 ** networkRetries++, 10000);
          report('waiting', `reconnecting in ${Math.round(delay / 1000)} s…`);
          setTimeout(() => { if (hls === player) { player.loadSource(src); player.startLoad(-1); } }, delay);
        }
      });
      player.loadSource(src);
      player.attachMedia(video);
      playingDate = () => player.playingDate;
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src;  // Safari and iOS play HLS themselves
      playingDate = () => {
        const start = video.getStartDate && video.getStartDate();
        return start && !isNaN(start.getTime()) ? new Date(start.getTime() + video.currentTime * 1000) : null;
      };
      video.addEventListener('error', () => { if (!rtc) setStatus('error', 'the stream could not be played'); });
    } else {
      setStatus('error', 'this browser cannot play HLS');
    }
  }

  video.addEventListener('playing', () => report('playing', 'playing'));
  video.addEventListener('waiting', () => report('waiting', 'buffering…'));
  // Browsers may refuse autoplay until the page is touched: start on the first interaction.
  document.addEventListener('click', () => { if (video.paused) video.play().catch(() => {}); }, { once: true });

  // The latency readout, and the HLS catch-up: hls.js speeds up a little to hold its target, but
  // after a stall (a hidden tab, a network hiccup) the picture can be far behind; jump to the
  // live edge rather than drift.
  let behindSince = 0;
  setInterval(() => {
    if (rtc) {
      // The frame's capture time on the sender's clock against ours (they agree when both keep
      // NTP time; on one machine they are the same clock).
      latencyMs = rtc.clock && rtcFrame ? Math.max(0, rtcFrame.shownAt - captureTime(rtc.clock, rtcFrame.rtp)) : null;
      latencyText.textContent = latencyWords(latencyMs);
      return;
    }
    const date = playingDate();
    if (!date || video.paused) {
      latencyMs = null;
      latencyText.textContent = latencyWords(null);
      behindSince = 0;
      return;
    }
    latencyMs = Math.max(0, Date.now() - date.getTime());
    latencyText.textContent = latencyWords(latencyMs);
    const live = hls && hls.liveSyncPosition;
    // Only to a position that is buffered: during a stall the live edge hls.js knows of may have
    // no media yet, and a jump there leaves no picture at all.
    const bufferedEnd = video.buffered.length ? video.buffered.end(video.buffered.length - 1) : 0;
    if (latencyMs < 3000 || !Number.isFinite(live) || live <= video.currentTime || live > bufferedEnd) {
      behindSince = 0;
    } else if (!behindSince) {
      behindSince = Date.now();
    } else if (Date.now() - behindSince > 2000) {
      video.currentTime = live;
      behindSince = 0;
    }
  }, 250);

  // Fullscreen: the video with its own controls (which leave it again); iOS has only its own.
  const fullscreen = document.getElementById('fullscreen');
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else if (video.requestFullscreen) video.requestFullscreen().catch(() => {});
    else if (video.webkitEnterFullscreen) video.webkitEnterFullscreen();
  });

  // Start.
  if (mode !== 'hls' && window.RTCPeerConnection) {
    setStatus('waiting', 'connecting (WebRTC)…');
    openSession(true).then(useWebRtc, (e) => {
      video.srcObject = null;
      fallBack(e.message);
    });
  } else {
    startHls();
  }

  window.hlscamPlayer = {
    video,
    get hls() { return hls; },
    get path() { return pathText.textContent; },
    get webrtc() { return rtc; },
    get firstPictureMs() { return firstPictureMs; },
    get latencyMs() { return latencyMs; },
    get webrtcTries() { return webrtcTries; },  // tries after the first
  };

  return {
    // The camera's entry in the list (null: not in it): a camera that is down says so.
    cameraInfo(info) {
      downText = info && info.state !== 'starting' ? cameraDownText(info) : null;
      if (downText) setStatus('error', downText);
      else if (document.getElementById('bar').dataset.state === 'error' && !video.paused) setStatus('playing', 'playing');
    },
  };
}
