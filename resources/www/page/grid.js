// Every camera as a tile: its newest snapshot, refreshed about every second while the tile is on
// screen and the page visible, its name and state. A snapshot is one small JPEG per camera and
// second, shared by all who ask for that frame and size; an MJPEG stream per tile would keep a
// connection each (browsers allow six per server) and a JPEG encode per frame running.
import { el, setStatus, cameraDownText } from './dom.js';

const refreshMs = 1000;
const tickMs = 250;

class Tile {
  constructor(camera, openLinks) {
    this.name = camera.name;
    this.img = el('img', { alt: `${camera.name}: latest picture`, decoding: 'async', hidden: true });  // until it has one
    this.badge = el('span', { className: 'badge', hidden: true });
    this.stateText = el('span', { className: 'state' });
    const link = el('a', { className: 'shot', href: `/?cam=${encodeURIComponent(camera.name)}`,
                           attrs: { 'aria-label': `${camera.name}: open large` } }, [this.img, this.badge]);
    const links = el('button', { type: 'button', textContent: 'links',
                                 attrs: { 'aria-label': `links for ${camera.name}` } });
    links.addEventListener('click', () => openLinks(camera.name));
    this.node = el('li', { className: 'tile' }, [
      link,
      el('div', { className: 'caption' }, [
        el('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'name', textContent: camera.name }),
        this.stateText, links]),
    ]);
    this.visible = true;
    this.busy = false;
    this.nextAt = 0;
    this.objectUrl = null;
    this.pictures = 0;  // snapshots shown (the tests read it)
    this.update(camera);
  }

  update(camera) {
    this.camera = camera;
    const down = cameraDownText(camera);
    const state = camera.state === 'streaming' ? 'streaming' : camera.state === 'starting' ? 'starting' : 'down';
    this.node.dataset.state = state;
    this.stateText.textContent = state === 'streaming' ? 'live' : state;
    this.badge.hidden = !down;
    this.badge.textContent = down || '';
  }

  // The snapshot's width: the tile's in device pixels, in steps of 160 (so that viewers of the
  // same size share the service's encode), never more than the camera's.
  width() {
    const wanted = Math.ceil((this.img.clientWidth || 320) * (window.devicePixelRatio || 1) / 160) * 160;
    return this.camera.width ? Math.min(this.camera.width, Math.max(160, wanted)) : null;
  }

  async refresh() {
    this.busy = true;
    try {
      const width = this.width();
      const r = await fetch(this.camera.snapshot + (width ? `?width=${width}` : ''), { cache: 'no-store' });
      if (!r.ok) throw new Error(`snapshot ${r.status}`);
      const url = URL.createObjectURL(await r.blob());
      const old = this.objectUrl;
      this.objectUrl = url;
      this.img.src = url;
      await this.img.decode().catch(() => {});
      if (old) URL.revokeObjectURL(old);
      this.img.hidden = false;
      ++this.pictures;
      this.node.dataset.pictures = String(this.pictures);
    } catch (e) {
      // A camera that went down says so at the next look at the list; until then, the last picture.
      console.info(`${this.name}: ${e.message}`);
    } finally {
      this.busy = false;
      this.nextAt = performance.now() + refreshMs;
    }
  }
}

export function showGrid(me, { openLinks }) {
  document.getElementById('grid-view').hidden = false;
  const list = document.getElementById('grid');
  const empty = document.getElementById('grid-empty');
  let tiles = new Map();
  // Tiles scrolled out of sight ask for nothing.
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const tile = [...tiles.values()].find((t) => t.node === entry.target);
      if (tile) tile.visible = entry.isIntersecting;
    }
  });

  function build(m) {
    for (const tile of tiles.values()) seen.unobserve(tile.node);
    tiles = new Map(m.cameras.map((c) => [c.name, new Tile(c, openLinks)]));
    list.replaceChildren(...[...tiles.values()].map((t) => t.node));
    for (const tile of tiles.values()) seen.observe(tile.node);
    empty.hidden = tiles.size > 0;
    // About square: 4 cameras in 2 x 2, 9 in 3 x 3 (fewer columns where they do not fit; see the CSS).
    const columns = Math.max(1, Math.ceil(Math.sqrt(tiles.size)));
    list.style.setProperty('--columns', String(columns));
    list.style.setProperty('--rows', String(Math.max(1, Math.ceil(tiles.size / columns))));
  }

  function update(m) {
    const same = m.cameras.length === tiles.size && m.cameras.every((c) => tiles.has(c.name));
    if (!same) build(m);
    else for (const c of m.cameras) tiles.get(c.name).update(c);
    const down = m.cameras.filter((c) => c.state !== 'streaming').length;
    const count = `${m.cameras.length} camera${m.cameras.length === 1 ? '' : 's'}`;
    setStatus(down ? 'waiting' : 'playing', down ? `${count}, ${down} not streaming` : count);
  }

  build(me);
  update(me);
  setInterval(() => {
    if (document.hidden) return;
    const now = performance.now();
    for (const tile of tiles.values())
      if (tile.visible && !tile.busy && now >= tile.nextAt && tile.camera.state === 'streaming') tile.refresh();
  }, tickMs);
  window.hlscamGrid = { get tiles() { return tiles; } };
  return { update };
}
