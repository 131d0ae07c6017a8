// Small helpers shared by the page's scripts. Text goes in as text (textContent), never as HTML.

// An element with properties (className, href, type, textContent...), attributes given as
// `attrs`, and children (elements or strings).
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  const { attrs, ...rest } = props;
  Object.assign(node, rest);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

// The state and words in the bar's status pill: waiting, playing or error.
export function setStatus(state, text) {
  document.getElementById('bar').dataset.state = state;
  document.getElementById('status').textContent = text;
}

// Camera names as the config allows them; anything else is never put in a URL.
export const validCameraName = (name) => /^[A-Za-z0-9_-]{1,32}$/.test(name);

// What a camera that is not streaming says, from its state and fault (GET /api/v1/me).
const faultWords = {
  'no-device': 'not found (unplugged?)',
  busy: 'in use by another program',
  'no-permission': 'no permission to open it',
  stalled: 'sends no pictures',
  'unsupported-format': 'its format is not supported',
  'module-missing': 'a module is missing',
  encoder: 'the encoder failed',
  io: 'read error',
};
export function cameraDownText(camera) {
  if (camera.state === 'streaming') return null;
  if (camera.state === 'starting') return 'starting…';
  return `camera down: ${faultWords[camera.fault] || 'reconnecting'}`;
}
