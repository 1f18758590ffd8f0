import { voxelwiseError } from '@voxelwise/core';
import type { WordTable } from '@voxelwise/core';

const WHERE = 'assembly:lpp';

/** The words of one section (run) of the Le Petit Prince annotation. */
export interface LppSectionWords {
  readonly words: WordTable;
  /** Rows of the annotation that were out of onset order (sorted here). */
  readonly reordered: number;
  /** Words whose offset ran past the next word's onset (cut back to it). */
  readonly overlapsFixed: number;
}

const COLUMNS = {
  word: ['word', 'text', 'token'],
  onset: ['onset', 'start', 'onset_time', 'start_time'],
  offset: ['offset', 'end', 'offset_time', 'end_time'],
  section: ['section', 'run', 'section_id'],
} as const;

/** Splits one delimited line; double-quoted fields may hold the delimiter and `""`. */
function splitLine(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Reads the word annotation of Le Petit Prince (OpenNeuro ds003643, English): a CSV or TSV with
 * a header naming the columns `word`, `onset`, `offset` (optional) and `section` (the run, 1–9),
 * times in seconds from the start of the section's audio. Returns each section's words **sorted
 * by onset** (stable): rows are never ordered by a hash set, which is how LITcoder's
 * `lpp_processor.py` picks its TR rows (`set(TR_onset)`) — that order is not guaranteed. An
 * offset past the next onset is cut back to it; a missing offset is the onset (a point in time).
 *
 * @example
 * const sections = parseLppWords(await readFile(file), file); // Map: section → words
 */
export function parseLppWords(bytes: Uint8Array, file: string): Map<number, LppSectionWords> {
  const text = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const sep = header.includes('\t') ? '\t' : ',';
  const names = splitLine(header, sep).map((h) => h.trim().toLowerCase());
  const col = (k: keyof typeof COLUMNS): number => names.findIndex((n) => (COLUMNS[k] as readonly string[]).includes(n));
  const iw = col('word');
  const ion = col('onset');
  const ioff = col('offset');
  const isec = col('section');
  if (iw < 0 || ion < 0 || isec < 0) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: WHERE,
      message: `${file}: the header must name the word, onset and section columns (got ${names.join(', ')})`,
      details: { file },
      hint: 'Expected a header such as "word,onset,offset,section" (times in seconds from the start of each section).',
    });
  }
  const rows = new Map<number, Array<{ word: string; onset: number; offset: number; line: number }>>();
  for (let i = 1; i < lines.length; i++) {
    const f = splitLine(lines[i]!, sep);
    const section = Number(f[isec]);
    const onset = Number(f[ion]);
    const offset = ioff >= 0 && (f[ioff] ?? '').trim() !== '' ? Number(f[ioff]) : onset;
    if (!Number.isInteger(section) || !Number.isFinite(onset) || !Number.isFinite(offset) || offset < onset) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${file}: line ${i + 1} has an invalid section or times (section ${f[isec]}, onset ${f[ion]}, offset ${ioff >= 0 ? f[ioff] : '—'})`,
        details: { file, line: i + 1 },
      });
    }
    const list = rows.get(section) ?? [];
    list.push({ word: (f[iw] ?? '').trim(), onset, offset, line: i + 1 });
    rows.set(section, list);
  }
  const out = new Map<number, LppSectionWords>();
  for (const [section, list] of rows) {
    let reordered = 0;
    for (let j = 1; j < list.length; j++) if (list[j]!.onset < list[j - 1]!.onset) reordered++;
    // Array.prototype.sort is stable: words with equal onsets keep the annotation's order.
    const sorted = [...list].sort((a, b) => a.onset - b.onset);
    let overlapsFixed = 0;
    for (let j = 0; j + 1 < sorted.length; j++) {
      if (sorted[j]!.offset > sorted[j + 1]!.onset) {
        sorted[j] = { ...sorted[j]!, offset: Math.max(sorted[j]!.onset, sorted[j + 1]!.onset) };
        overlapsFixed++;
      }
    }
    const textCol = sorted.map((r) => r.word);
    out.set(section, {
      words: {
        text: textCol,
        lower: textCol.map((w) => w.toLowerCase()),
        onset: Float64Array.from(sorted, (r) => r.onset),
        offset: Float64Array.from(sorted, (r) => r.offset),
      },
      reordered,
      overlapsFixed,
    });
  }
  return out;
}
