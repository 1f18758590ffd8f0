import { voxelwiseError } from '@voxelwise/core';
import { decodeText } from './decode-text.js';
import type { TextEncoding } from './decode-text.js';

/** One interval of an interval tier. */
export interface TextGridInterval {
  readonly xmin: number;
  readonly xmax: number;
  readonly text: string;
}

/** One point of a point tier (Praat `TextTier`). */
export interface TextGridPoint {
  readonly time: number;
  readonly mark: string;
}

/** An interval tier (Praat `IntervalTier`). */
export interface IntervalTier {
  readonly kind: 'interval';
  readonly name: string;
  readonly xmin: number;
  readonly xmax: number;
  readonly intervals: readonly TextGridInterval[];
}

/** A point tier (Praat `TextTier`). */
export interface PointTier {
  readonly kind: 'point';
  readonly name: string;
  readonly xmin: number;
  readonly xmax: number;
  readonly points: readonly TextGridPoint[];
}

/** A tier of either kind. */
export type TextGridTier = IntervalTier | PointTier;

/** The Praat text layouts {@link parseTextGrid} reads. */
export type TextGridFormat = 'long' | 'short' | 'chronological';

/** A parsed TextGrid. */
export interface TextGrid {
  readonly xmin: number;
  readonly xmax: number;
  readonly tiers: readonly TextGridTier[];
  /** Which text layout the file used. */
  readonly format: TextGridFormat;
  /** Encoding the bytes were decoded with (`utf-8` when parsed from a string). */
  readonly encoding: TextEncoding;
}

type Token =
  | { kind: 'string'; value: string; line: number; endLine: number }
  | { kind: 'number'; value: number; raw: string; line: number }
  | { kind: 'flag'; value: string; line: number }
  | { kind: 'bad'; value: string; line: number };

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Splits Praat text into value tokens: quoted strings (`""` is an escaped quote, strings may span
 * lines), numbers and `<flags>`. Labels such as `xmin =` or `item [1]:` are skipped, which is how
 * Praat itself reads both the long and the short layout; a non-number right after `=` is kept as
 * a bad token so the error names it.
 */
/** The first text that spans lines before `line`: the usual sign of a missing closing quote. */
function suspectQuote(tokens: readonly Token[], before: number): string {
  const t = tokens.find((x) => x.kind === 'string' && x.endLine > x.line && x.line < before);
  return t ? ` (the text starting at line ${t.line} runs over several lines: is its closing quote missing?)` : '';
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  let afterEquals = false;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '"') {
      const startLine = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= n) {
          throw voxelwiseError({
            code: 'E_FILE_FORMAT',
            where: 'assembly:textgrid',
            message: `${file} line ${startLine}: a string is never closed${suspectQuote(tokens, startLine)}`,
            hint: 'Every text must end with a double quote; a quote inside a text is written "".',
            details: { file, line: startLine },
          });
        }
        const d = text[i]!;
        if (d === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === '\n') line++;
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', value, line: startLine, endLine: line });
      afterEquals = false;
      continue;
    }
    if (c === '!') {
      // Praat comment: the rest of the line.
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(text[j]!) && text[j] !== '"') j++;
    const word = text.slice(i, j);
    i = j;
    if (word.startsWith('<') && word.endsWith('>')) {
      tokens.push({ kind: 'flag', value: word.slice(1, -1), line });
      afterEquals = false;
    } else if (NUMBER.test(word)) {
      tokens.push({ kind: 'number', value: Number(word), raw: word, line });
      afterEquals = false;
    } else if (word === '=' || word.endsWith('=')) {
      afterEquals = true;
    } else if (afterEquals) {
      tokens.push({ kind: 'bad', value: word, line });
      afterEquals = false;
    }
  }
  return tokens;
}

class Reader {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  fail(what: string, token: Token | undefined): never {
    const where = token ? `line ${token.line}` : 'end of file';
    const got =
      token === undefined
        ? 'the end of the file'
        : token.kind === 'string'
          ? `"${token.value}"`
          : token.kind === 'number'
            ? token.raw
            : token.kind === 'flag'
              ? `<${token.value}>`
              : token.value;
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${this.file} ${where}: expected ${what}${suspectQuote(this.tokens, token?.line ?? Infinity)}`,
      got,
      hint: 'Check the file in Praat (Read from file), or re-save it as a text TextGrid.',
      details: { file: this.file, line: token?.line ?? null },
    });
  }

  string(what: string): string {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'string') this.fail(`${what} (a quoted text)`, t);
    this.pos++;
    return t.value;
  }

  number(what: string): number {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'number') this.fail(`${what} (a number)`, t);
    this.pos++;
    return t.value;
  }

  count(what: string): number {
    const t = this.tokens[this.pos];
    const v = this.number(what);
    if (!Number.isInteger(v) || v < 0) this.fail(`${what} (a whole number ≥ 0)`, t);
    return v;
  }

  flag(): string | undefined {
    const t = this.tokens[this.pos];
    if (t?.kind !== 'flag') return undefined;
    this.pos++;
    return t.value;
  }

  line(): number {
    return this.tokens[Math.min(this.pos, this.tokens.length - 1)]?.line ?? 0;
  }
}

function checkInterval(file: string, line: number, tier: string, index: number, xmin: number, xmax: number): void {
  if (!(xmax >= xmin)) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${file} line ${line}: interval ${index + 1} of tier "${tier}" ends before it starts`,
      got: { xmin, xmax },
      details: { file, line, tier, interval: index + 1 },
    });
  }
}

function parseTierBody(r: Reader, file: string): TextGridTier {
  const classLine = r.line();
  const cls = r.string('a tier class ("IntervalTier" or "TextTier")');
  const name = r.string('a tier name');
  const xmin = r.number(`the xmin of tier "${name}"`);
  const xmax = r.number(`the xmax of tier "${name}"`);
  if (cls === 'IntervalTier') {
    const size = r.count(`the interval count of tier "${name}"`);
    const intervals: TextGridInterval[] = [];
    for (let k = 0; k < size; k++) {
      const line = r.line();
      const a = r.number(`the xmin of interval ${k + 1} of tier "${name}"`);
      const b = r.number(`the xmax of interval ${k + 1} of tier "${name}"`);
      const text = r.string(`the text of interval ${k + 1} of tier "${name}"`);
      checkInterval(file, line, name, k, a, b);
      intervals.push({ xmin: a, xmax: b, text });
    }
    return { kind: 'interval', name, xmin, xmax, intervals };
  }
  if (cls === 'TextTier') {
    const size = r.count(`the point count of tier "${name}"`);
    const points: TextGridPoint[] = [];
    for (let k = 0; k < size; k++) {
      const time = r.number(`the time of point ${k + 1} of tier "${name}"`);
      const mark = r.string(`the mark of point ${k + 1} of tier "${name}"`);
      points.push({ time, mark });
    }
    return { kind: 'point', name, xmin, xmax, points };
  }
  throw voxelwiseError({
    code: 'E_FILE_FORMAT',
    where: 'assembly:textgrid',
    message: `${file} line ${classLine}: unknown tier class "${cls}"`,
    expected: ['IntervalTier', 'TextTier'],
    details: { file, line: classLine },
  });
}

/** Praat's chronological layout: tier headers first, then entries `tier xmin xmax "text"` in time order. */
function parseChronological(r: Reader, file: string): { xmin: number; xmax: number; tiers: TextGridTier[] } {
  const xmin = r.number('the xmin of the TextGrid');
  const xmax = r.number('the xmax of the TextGrid');
  const nTiers = r.count('the number of tiers');
  const heads: Array<{
    kind: 'interval' | 'point';
    name: string;
    xmin: number;
    xmax: number;
    items: Array<TextGridInterval | TextGridPoint>;
  }> = [];
  for (let t = 0; t < nTiers; t++) {
    const line = r.line();
    const cls = r.string('a tier class ("IntervalTier" or "TextTier")');
    if (cls !== 'IntervalTier' && cls !== 'TextTier') {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:textgrid',
        message: `${file} line ${line}: unknown tier class "${cls}"`,
        expected: ['IntervalTier', 'TextTier'],
        details: { file, line },
      });
    }
    const name = r.string('a tier name');
    heads.push({
      kind: cls === 'IntervalTier' ? 'interval' : 'point',
      name,
      xmin: r.number(`the xmin of tier "${name}"`),
      xmax: r.number(`the xmax of tier "${name}"`),
      items: [],
    });
  }
  while (!r.done) {
    const line = r.line();
    const idx = r.count('a tier number');
    const head = heads[idx - 1];
    if (!head) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:textgrid',
        message: `${file} line ${line}: entry refers to tier ${idx}, but the file has ${heads.length} tiers`,
        details: { file, line },
      });
    }
    if (head.kind === 'interval') {
      const a = r.number(`an interval xmin of tier "${head.name}"`);
      const b = r.number(`an interval xmax of tier "${head.name}"`);
      const text = r.string(`an interval text of tier "${head.name}"`);
      checkInterval(file, line, head.name, head.items.length, a, b);
      head.items.push({ xmin: a, xmax: b, text });
    } else {
      const time = r.number(`a point time of tier "${head.name}"`);
      head.items.push({ time, mark: r.string(`a point mark of tier "${head.name}"`) });
    }
  }
  const tiers: TextGridTier[] = heads.map((h) =>
    h.kind === 'interval'
      ? { kind: 'interval', name: h.name, xmin: h.xmin, xmax: h.xmax, intervals: h.items as TextGridInterval[] }
      : { kind: 'point', name: h.name, xmin: h.xmin, xmax: h.xmax, points: h.items as TextGridPoint[] },
  );
  return { xmin, xmax, tiers };
}

/**
 * Parses a Praat TextGrid: the long ("ooTextFile") and short text layouts and the chronological
 * layout; UTF-8 (with or without BOM) or UTF-16 LE/BE with BOM; LF, CRLF or CR line endings;
 * `""` escapes inside texts; interval and point tiers. Errors are `E_FILE_FORMAT` naming the
 * file and line.
 *
 * @example
 * const grid = parseTextGrid(readFileSync('TextGrids/wheretheressmoke.TextGrid'), 'wheretheressmoke.TextGrid');
 * grid.tiers.map((t) => t.name); // ['phone', 'word']
 */
export function parseTextGrid(input: string | Uint8Array, file = '<TextGrid>'): TextGrid {
  const decoded =
    typeof input === 'string'
      ? { text: input.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n'), encoding: 'utf-8' as const }
      : decodeText(input, file);
  const tokens = tokenize(decoded.text, file);
  const r = new Reader(tokens, file);
  const fileType = r.string('File type = "ooTextFile"');
  if (fileType === 'Praat chronological TextGrid text file') {
    const body = parseChronological(r, file);
    return { ...body, format: 'chronological', encoding: decoded.encoding };
  }
  if (!fileType.startsWith('ooTextFile')) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${file} line 1: not a Praat text file`,
      got: fileType,
      expected: 'ooTextFile',
      hint: 'Binary TextGrids are not supported; in Praat use "Save as text file".',
      details: { file, line: 1 },
    });
  }
  const objectClass = r.string('Object class = "TextGrid"');
  if (objectClass !== 'TextGrid') {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${file}: the object class is not TextGrid`,
      got: objectClass,
      expected: 'TextGrid',
      details: { file },
    });
  }
  // The long layout labels its values (`xmin = 0`); the short one does not.
  const format: TextGridFormat = /^\s*xmin\s*=/m.test(decoded.text) ? 'long' : 'short';
  const xmin = r.number('the xmin of the TextGrid');
  const xmax = r.number('the xmax of the TextGrid');
  const exists = r.flag();
  const tiers: TextGridTier[] = [];
  if (exists !== 'absent') {
    if (exists !== undefined && exists !== 'exists') r.fail('<exists> or <absent>', r.peek());
    const size = r.count('the number of tiers');
    for (let t = 0; t < size; t++) tiers.push(parseTierBody(r, file));
  }
  if (!r.done) r.fail('the end of the file after the last tier', r.peek());
  return { xmin, xmax, tiers, format, encoding: decoded.encoding };
}
