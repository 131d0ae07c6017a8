// Reads the time code hlscam's test pattern draws along the top edge (core/capture/
// ClockOverlay.h: 34 blocks of width/40 px: white, black, then 32 bits of the wall-clock
// milliseconds mod 2^32, MSB first) off the frame a <video> shows, and returns how old that
// frame is: glass-to-glass latency, independent of playlist tags. Runs inside the page
// (pass it to page.evaluate); self-contained for that reason.
export function frameAgeMs(selector = 'video') {
  const video = document.querySelector(selector || 'video');
  if (!video || video.readyState < 2 || !video.videoWidth) return null;
  const w = video.videoWidth;
  const block = Math.max(4, Math.floor(w / 40) & ~1);
  const canvas = (window.__stampCanvas ??= document.createElement('canvas'));
  canvas.width = w;
  canvas.height = block;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, w, block, 0, 0, w, block);
  const now = Date.now();
  const pixels = ctx.getImageData(0, 0, w, block).data;
  const bit = (i) => {
    const x = i * block + (block >> 1);
    const y = block >> 1;
    const o = (y * w + x) * 4;
    return 0.299 * pixels[o] + 0.587 * pixels[o + 1] + 0.114 * pixels[o + 2] > 128 ? 1 : 0;
  };
  if (bit(0) !== 1 || bit(1) !== 0) return null;  // no time code in this frame
  let stamp = 0;
  for (let i = 2; i < 34; ++i) stamp = stamp * 2 + bit(i);
  const span = 2 ** 32;
  return ((now % span) - stamp + span) % span;
}
