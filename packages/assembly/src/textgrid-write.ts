import type { TextEncoding } from './decode-text.js';
import type { TextGridTier } from './textgrid.js';

/** Options of {@link formatTextGrid}. */
export interface FormatTextGridOptions {
  /** Praat's long (labelled) or short text layout. @default 'long' */
  layout?: 'long' | 'short';
}

/** What {@link formatTextGrid} writes. */
export interface TextGridInput {
  readonly xmin: number;
  readonly xmax: number;
  readonly tiers: readonly TextGridTier[];
}

const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
// Shortest decimal that reads back to the same double, so a round trip is exact.
const num = (x: number): string => String(x);

/**
 * Writes a TextGrid in Praat's long or short text layout (LF line endings; see
 * {@link encodeText} for CRLF and UTF-16).
 *
 * @example
 * const text = formatTextGrid({ xmin: 0, xmax: 1, tiers: [{ kind: 'interval', name: 'word', xmin: 0, xmax: 1, intervals: [{ xmin: 0, xmax: 1, text: 'hello' }] }] });
 */
export function formatTextGrid(grid: TextGridInput, options: FormatTextGridOptions = {}): string {
  const out: string[] = ['File type = "ooTextFile"', 'Object class = "TextGrid"', ''];
  if ((options.layout ?? 'long') === 'short') {
    out.push(num(grid.xmin), num(grid.xmax), '<exists>', String(grid.tiers.length));
    for (const t of grid.tiers) {
      out.push(quote(t.kind === 'interval' ? 'IntervalTier' : 'TextTier'), quote(t.name), num(t.xmin), num(t.xmax));
      if (t.kind === 'interval') {
        out.push(String(t.intervals.length));
        for (const iv of t.intervals) out.push(num(iv.xmin), num(iv.xmax), quote(iv.text));
      } else {
        out.push(String(t.points.length));
        for (const p of t.points) out.push(num(p.time), quote(p.mark));
      }
    }
    return `${out.join('\n')}\n`;
  }
  out.push(`xmin = ${num(grid.xmin)} `, `xmax = ${num(grid.xmax)} `, 'tiers? <exists> ', `size = ${grid.tiers.length} `, 'item []: ');
  grid.tiers.forEach((t, i) => {
    out.push(`    item [${i + 1}]:`);
    out.push(`        class = ${quote(t.kind === 'interval' ? 'IntervalTier' : 'TextTier')} `, `        name = ${quote(t.name)} `);
    out.push(`        xmin = ${num(t.xmin)} `, `        xmax = ${num(t.xmax)} `);
    if (t.kind === 'interval') {
      out.push(`        intervals: size = ${t.intervals.length} `);
      t.intervals.forEach((iv, k) => {
        out.push(
          `        intervals [${k + 1}]:`,
          `            xmin = ${num(iv.xmin)} `,
          `            xmax = ${num(iv.xmax)} `,
          `            text = ${quote(iv.text)} `,
        );
      });
    } else {
      out.push(`        points: size = ${t.points.length} `);
      t.points.forEach((p, k) => {
        out.push(`        points [${k + 1}]:`, `            number = ${num(p.time)} `, `            mark = ${quote(p.mark)} `);
      });
    }
  });
  return `${out.join('\n')}\n`;
}

/**
 * Encodes text as a file would hold it: UTF-8 (optionally with BOM) or UTF-16 LE/BE with BOM,
 * with LF or CRLF line endings.
 *
 * @example
 * writeFileSync('a.TextGrid', encodeText(formatTextGrid(grid), 'utf-16le', 'crlf'));
 */
export function encodeText(text: string, encoding: TextEncoding = 'utf-8', eol: 'lf' | 'crlf' = 'lf'): Uint8Array {
  const body = eol === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text;
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') {
    const bytes = new TextEncoder().encode(body);
    if (encoding === 'utf-8') return bytes;
    const out = new Uint8Array(bytes.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(bytes, 3);
    return out;
  }
  const out = new Uint8Array(2 + body.length * 2);
  const le = encoding === 'utf-16le';
  out[0] = le ? 0xff : 0xfe;
  out[1] = le ? 0xfe : 0xff;
  for (let i = 0; i < body.length; i++) {
    const u = body.charCodeAt(i);
    out[2 + 2 * i] = le ? u & 0xff : u >> 8;
    out[3 + 2 * i] = le ? u >> 8 : u & 0xff;
  }
  return out;
}
