import { voxelwiseError } from '@voxelwise/core';
import type { WordTable } from '@voxelwise/core';
import { decodeText } from './decode-text.js';

const HEADER: Record<string, 'word' | 'onset' | 'offset'> = {
  word: 'word',
  text: 'word',
  onset: 'onset',
  start: 'onset',
  offset: 'offset',
  end: 'offset',
};

/**
 * Parses a bring-your-own `words.tsv`: tab-separated `word`, `onset`, `offset` (seconds), one
 * word per line, with an optional header naming the columns (`word|text`, `onset|start`,
 * `offset|end`, in any order). An empty word field is kept as an empty word. UTF-8 or UTF-16
 * with BOM; LF or CRLF. Errors name the file and line.
 *
 * @example
 * const words = parseWordsTsv('word\tonset\toffset\nhello\t0.5\t0.9\n', 'story/words.tsv');
 */
export function parseWordsTsv(input: string | Uint8Array, file: string): WordTable {
  const text = typeof input === 'string' ? input.replace(/\r\n?/g, '\n') : decodeText(input, file).text;
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const fail = (line: number, message: string, got?: unknown): never => {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:byo',
      message: `${file} line ${line}: ${message}`,
      ...(got !== undefined ? { got } : {}),
      hint: 'Each line must be: word<TAB>onset<TAB>offset (seconds), with an optional header line.',
      details: { file, line },
    });
  };
  let cols = { word: 0, onset: 1, offset: 2 };
  let start = 0;
  const first = lines[0]?.split('\t') ?? [];
  if (first.length >= 2 && first[1]!.trim() !== '' && !Number.isFinite(Number(first[1]))) {
    const found: Partial<Record<'word' | 'onset' | 'offset', number>> = {};
    first.forEach((h, i) => {
      const key = HEADER[h.trim().toLowerCase()];
      if (key !== undefined && found[key] === undefined) found[key] = i;
    });
    if (found.word === undefined || found.onset === undefined || found.offset === undefined)
      fail(1, 'the header must name the columns word, onset and offset', first);
    cols = found as typeof cols;
    start = 1;
  }
  const need = Math.max(cols.word, cols.onset, cols.offset) + 1;
  const words: string[] = [];
  const onset: number[] = [];
  const offset: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const fields = lines[i]!.split('\t');
    if (fields.length < need) fail(i + 1, `expected ${need} tab-separated fields`, lines[i]);
    const a = Number(fields[cols.onset]!.trim());
    const b = Number(fields[cols.offset]!.trim());
    if (fields[cols.onset]!.trim() === '' || !Number.isFinite(a)) fail(i + 1, 'the onset is not a number', fields[cols.onset]);
    if (fields[cols.offset]!.trim() === '' || !Number.isFinite(b)) fail(i + 1, 'the offset is not a number', fields[cols.offset]);
    words.push(fields[cols.word]!);
    onset.push(a);
    offset.push(b);
  }
  return { text: words, lower: words.map((w) => w.toLowerCase()), onset: Float64Array.from(onset), offset: Float64Array.from(offset) };
}

/** Parses a `trs.tsv`: one TR centre time (seconds) per line, optional header `time`. */
export function parseTimesTsv(input: string | Uint8Array, file: string): Float64Array {
  const text = typeof input === 'string' ? input.replace(/\r\n?/g, '\n') : decodeText(input, file).text;
  const lines = text.split('\n').map((l) => l.split('\t')[0]!.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const start = lines.length > 0 && !Number.isFinite(Number(lines[0])) ? 1 : 0;
  const out = new Float64Array(lines.length - start);
  for (let i = start; i < lines.length; i++) {
    const v = Number(lines[i]);
    if (lines[i] === '' || !Number.isFinite(v)) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:byo',
        message: `${file} line ${i + 1}: not a time in seconds`,
        got: lines[i],
        details: { file, line: i + 1 },
      });
    }
    out[i - start] = v;
  }
  return out;
}
