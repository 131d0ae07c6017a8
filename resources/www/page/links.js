// The links dialog: ready-made URLs for programs that cannot log in (VLC, Home Assistant,
// OctoPrint, Mainsail, Fluidd), each carrying a URL token (POST /api/v1/tokens) for one camera,
// with a copy button.

// Copies the text of a field: the Clipboard API where the page is a secure context (HTTPS,
// localhost), else the older selection command, which plain HTTP on a LAN address still allows.
async function copyField(field) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(field.value);
      return true;
    } catch { /* fall through to the selection */ }
  }
  field.focus();
  field.select();
  return document.execCommand('copy');
}

function yamlFor(camera, still, stream) {
  return ['camera:',
          '  - platform: generic',
          `    name: ${camera}`,
          `    still_image_url: "${still}"`,
          `    stream_source: "${stream}"`].join('\n');
}

// Returns openLinks(camera). `getMe` gives the last /api/v1/me answer (or null).
export function setupLinks(getMe) {
  const dialog = document.getElementById('links');
  const ttl = document.getElementById('links-ttl');
  const expires = document.getElementById('links-expires');
  const note = document.getElementById('links-note');
  const fields = ['link-hls', 'link-ha', 'link-mjpeg', 'link-snapshot'].map((id) => document.getElementById(id));
  const [hls, ha, mjpeg, snapshot] = fields;
  let camera = null;
  let asked = 0;  // the newest request wins

  document.getElementById('links-close').addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the dialog's box; its padding is the dialog too) closes it.
  dialog.addEventListener('click', (event) => {
    const box = dialog.getBoundingClientRect();
    const outside = event.clientX < box.left || event.clientX > box.right || event.clientY < box.top ||
                    event.clientY > box.bottom;
    if (event.target === dialog && outside) dialog.close();
  });
  ttl.addEventListener('change', () => make());
  dialog.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    const ok = await copyField(document.getElementById(button.dataset.copy));
    button.textContent = ok ? 'copied' : 'select and copy';
    if (ok) button.dataset.copied = '';
    setTimeout(() => { button.textContent = 'copy'; delete button.dataset.copied; }, 1500);
  });

  function fill(query) {
    const base = `${location.origin}/cam/${encodeURIComponent(camera)}/`;
    hls.value = `${base}index.m3u8${query}`;
    mjpeg.value = `${base}stream.mjpg${query}`;
    snapshot.value = `${base}snapshot.jpg${query}`;
    ha.value = yamlFor(camera, snapshot.value, hls.value);
  }

  async function make() {
    const mine = ++asked;
    for (const f of fields) f.value = '';
    const me = getMe();
    if (me && me.user === null) {  // anonymous viewing: the plain URLs play without a password
      note.textContent = 'Anyone may watch without a password here: these links need no token.';
      expires.textContent = '';
      fill('');
      return;
    }
    expires.textContent = 'making links…';
    try {
      const r = await fetch('/api/v1/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                                body: JSON.stringify({ camera, ttl: Number(ttl.value) }) });
      const body = await r.json().catch(() => ({}));
      if (mine !== asked) return;
      if (!r.ok) {
        expires.textContent = `no links: ${body.error || r.status}`;
        return;
      }
      fill(`?token=${encodeURIComponent(body.token)}`);
      expires.textContent = `until ${new Date(body.expires).toLocaleString()}`;
    } catch (e) {
      if (mine === asked) expires.textContent = `no links: ${e.message}`;
    }
  }

  return (name) => {
    camera = name;
    document.getElementById('links-title').textContent = `Links for ${name}`;
    const admin = (getMe() || {}).role === 'admin';
    for (const option of ttl.options) if ('admin' in option.dataset) option.hidden = option.disabled = !admin;
    if (ttl.selectedOptions[0]?.disabled) ttl.value = '86400';
    dialog.showModal();
    make();
  };
}
