/** Diverging colour for a value scaled to [-1, 1]: blue below 0, red above. */
function colour(x: number): string {
  const a = Math.max(-1, Math.min(1, x));
  const r = a > 0 ? 255 : Math.round(255 * (1 + a));
  const b = a < 0 ? 255 : Math.round(255 * (1 - a));
  const g = Math.round(255 * (1 - Math.abs(a)));
  return `rgb(${r},${g},${b})`;
}

/** Line plot of one voxel's predicted time course with a marker at TR `t`. */
export function drawSeries(canvas: HTMLCanvasElement, times: Float64Array, y: Float32Array, t: number, label: string): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  ctx.clearRect(0, 0, W, H);
  const pad = 36;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const x = (i: number): number => pad + ((W - 2 * pad) * i) / Math.max(1, y.length - 1);
  const yy = (v: number): number => H - pad - ((H - 2 * pad) * (v - lo)) / (hi - lo);
  ctx.strokeStyle = '#c9ced8';
  ctx.beginPath();
  ctx.moveTo(pad, yy(0));
  ctx.lineTo(W - pad, yy(0));
  ctx.stroke();
  ctx.strokeStyle = '#2a5bd7';
  ctx.lineWidth = 2;
  ctx.beginPath();
  y.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), yy(v)) : ctx.lineTo(x(i), yy(v))));
  ctx.stroke();
  ctx.strokeStyle = '#d7462a';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x(t), pad / 2);
  ctx.lineTo(x(t), H - pad);
  ctx.stroke();
  ctx.fillStyle = '#1d2330';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(label, pad, 16);
  ctx.fillText(`${hi.toFixed(2)}`, 2, yy(hi) + 4);
  ctx.fillText(`${lo.toFixed(2)}`, 2, yy(lo) + 4);
  ctx.fillText(`${times[times.length - 1]?.toFixed(0) ?? 0} s`, W - pad - 10, H - 10);
  ctx.fillText('0 s', pad, H - 10);
}

/** Every voxel's value at one TR as coloured cells in `order` (best voxels first); `selected` outlined. */
export function drawMap(canvas: HTMLCanvasElement, frame: Float32Array, order: readonly number[], selected: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  ctx.clearRect(0, 0, W, H);
  const n = order.length;
  const cols = Math.max(1, Math.ceil(Math.sqrt((n * W) / H)));
  const rows = Math.ceil(n / cols);
  const cw = W / cols;
  const ch = H / rows;
  let scale = 0;
  for (const v of frame) scale = Math.max(scale, Math.abs(v));
  scale = scale || 1;
  order.forEach((v, k) => {
    const cx = (k % cols) * cw;
    const cy = Math.floor(k / cols) * ch;
    ctx.fillStyle = colour(frame[v]! / scale);
    ctx.fillRect(cx, cy, Math.ceil(cw), Math.ceil(ch));
    if (v === selected) {
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 2;
      ctx.strokeRect(cx + 1, cy + 1, cw - 2, ch - 2);
    }
  });
}
