/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Formats a number for labels: fixed decimals, or exponent form for very large/small values. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return x.toExponential(digits > 2 ? 2 : digits);
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(digits);
}

/** A linear scale from a data domain onto a pixel range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0 || 1;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** About `count` round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

/** Plot geometry shared by the charts. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The default frame of a chart. */
export const FRAME: Frame = { width: 560, height: 260, left: 52, right: 16, top: 16, bottom: 40 };

/** Axes with ticks and labels; returns SVG markup. */
export function axes(
  f: Frame,
  x: { lo: number; hi: number; label: string; ticks?: number[]; format?: (v: number) => string },
  y: { lo: number; hi: number; label: string; format?: (v: number) => string },
): string {
  const sx = linear(x.lo, x.hi, f.left, f.width - f.right);
  const sy = linear(y.lo, y.hi, f.height - f.bottom, f.top);
  const fx = x.format ?? ((v: number) => num(v, 2));
  const fy = y.format ?? ((v: number) => num(v, 2));
  const parts: string[] = [];
  const x0 = f.left;
  const y0 = f.height - f.bottom;
  parts.push(`<line class="axis" x1="${x0}" y1="${y0}" x2="${f.width - f.right}" y2="${y0}"/>`);
  parts.push(`<line class="axis" x1="${x0}" y1="${f.top}" x2="${x0}" y2="${y0}"/>`);
  for (const t of x.ticks ?? ticks(x.lo, x.hi)) {
    const px = sx(t);
    parts.push(
      `<line class="tick" x1="${px.toFixed(1)}" y1="${y0}" x2="${px.toFixed(1)}" y2="${y0 + 4}"/><text class="tick-label" x="${px.toFixed(1)}" y="${y0 + 16}" text-anchor="middle">${esc(fx(t))}</text>`,
    );
  }
  for (const t of ticks(y.lo, y.hi, 4)) {
    const py = sy(t);
    parts.push(
      `<line class="grid" x1="${x0}" y1="${py.toFixed(1)}" x2="${f.width - f.right}" y2="${py.toFixed(1)}"/><text class="tick-label" x="${x0 - 6}" y="${(py + 4).toFixed(1)}" text-anchor="end">${esc(fy(t))}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${((f.left + f.width - f.right) / 2).toFixed(1)}" y="${f.height - 6}" text-anchor="middle">${esc(x.label)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(12 ${((f.top + f.height - f.bottom) / 2).toFixed(1)}) rotate(-90)" text-anchor="middle">${esc(y.label)}</text>`,
  );
  return parts.join('');
}

/** Opens an SVG chart element with a stable id and an accessible title. */
export function svgOpen(id: string, title: string, f: Frame = FRAME): string {
  return `<svg class="chart" id="${esc(id)}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>`;
}
