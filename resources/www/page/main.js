// The viewer page: every camera the caller may watch as a grid, or one camera large (?cam=NAME,
// or the only one there is). Who the caller is and which cameras they see: GET /api/v1/me.
import { showGrid } from './grid.js';
import { showCamera } from './live.js';
import { setupLinks } from './links.js';
import { setStatus, validCameraName } from './dom.js';

const params = new URLSearchParams(location.search);
const requested = params.get('cam');
const mode = params.get('mode');  // webrtc or hls: one path only

let me = null;  // the last answer of /api/v1/me
async function loadMe() {
  const r = await fetch('/api/v1/me', { cache: 'no-store' });
  if (!r.ok) throw new Error(`the camera list answered ${r.status}`);
  me = await r.json();
  document.getElementById('user').textContent = me.user === null ? 'anonymous' : me.user;
  return me;
}
// The camera list again every `ms` (states change: a camera unplugged, back).
function pollMe(ms, onChange) {
  setInterval(() => { if (!document.hidden) loadMe().then(onChange, () => {}); }, ms);
}

const openLinks = setupLinks(() => me);

function single(camera) {
  document.body.classList.add('single');
  document.getElementById('single-view').hidden = false;
  const player = showCamera(camera, { mode });
  document.getElementById('share').addEventListener('click', () => openLinks(camera));
  const update = (m) => {
    document.getElementById('all').hidden = m.cameras.length < 2;
    player.cameraInfo(m.cameras.find((c) => c.name === camera) || null);
  };
  const first = me ? Promise.resolve(me) : loadMe();
  first.then(update, () => {});
  pollMe(10000, update);
}

if (requested !== null) {
  if (validCameraName(requested)) single(requested);
  else setStatus('error', 'invalid camera name');
} else {
  loadMe().then((m) => {
    if (m.cameras.length === 1) {
      single(m.cameras[0].name);
    } else {
      const grid = showGrid(m, { openLinks });
      pollMe(5000, (again) => grid.update(again));
    }
  }, (e) => {
    // No list (an older service?): the first camera, as the page always did.
    console.info(e.message);
    single('cam0');
  });
}
