import type { ErrorCode, EventSink, Story, StoryOverhang } from '@voxelwise/core';
import type { ValidationIssue } from './validate-issue.js';

/**
 * How far, in TRs, a word reaches on the TR grid: Huth's `lanczosinterp2D(..., window=3)` (and
 * LITcoder's default Lanczos downsampler) weigh a word into TRs whose centre lies less than
 * `window / cutoff = 3` TRs from the word time. A word farther than this past the last kept TR
 * cannot change a kept response row.
 */
export const OVERHANG_REACH_TRS = 3;

/** The parts of a story the timing checks read. */
export type TimedStory = Pick<Story, 'name' | 'words' | 'wordTimes' | 'trTimes' | 'trim'>;

/** What {@link checkWordTiming} found. */
export interface WordTimingResult {
  /** Errors (nothing here is a warning: an accepted overhang is reported in `overhang`). */
  readonly issues: ValidationIssue[];
  /** Words past the end of the grid that cannot reach a kept row: accepted, to be reported. */
  readonly overhang?: StoryOverhang;
}

const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);

/**
 * The one word-timing check every source uses (LeBel import, in-place `lebel`, `byo`, writing and
 * validating an Arrow assembly): a story with no words, words with non-finite times, words ending
 * before they start, out of order or overlapping, TR times that do not increase, and words past
 * the end of the scan.
 *
 * Words past the end of the grid are accepted, as Huth's and LITcoder's pipelines accept them,
 * when none of them can reach a kept response row: every such word lies at least
 * {@link OVERHANG_REACH_TRS} TRs after the centre of the last kept TR (LeBel trims 5 TRs at the
 * end, so any overhang is accepted there). They come back in `overhang` (count and seconds) for
 * the caller to warn about and record. An overhang that would reach a kept row (an end trim of 2
 * TRs or fewer) is an `E_ALIGNMENT` error naming the story, the word and the numbers.
 *
 * @example
 * const { issues, overhang } = checkWordTiming(story, { words: 'story01.TextGrid' });
 */
export function checkWordTiming(story: TimedStory, files: { words?: string; trs?: string } = {}): WordTimingResult {
  const issues: ValidationIssue[] = [];
  const wf = files.words;
  const at = wf ? ` (${wf})` : '';
  const add = (code: ErrorCode, message: string, file = wf) =>
    issues.push({ code, severity: 'error', story: story.name, ...(file ? { file } : {}), message });
  const { onset, offset, text } = story.words;
  const n = text.length;
  if (n === 0) add('E_DATA_INVALID', `story "${story.name}" has no words${at}. Check the word tier or words.tsv of this story`);
  if (onset.length !== n || offset.length !== n || story.wordTimes.length !== n)
    add('E_SHAPE_MISMATCH', `story "${story.name}": ${n} words but ${onset.length} onsets and ${offset.length} offsets${at}`);
  const word = (j: number) => `word ${j + 1} "${text[j] ?? ''}"`;
  let timesOk = issues.length === 0;
  for (let j = 0; j < n && timesOk; j++) {
    const a = onset[j]!;
    const b = offset[j]!;
    timesOk = false;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      add('E_DATA_INVALID', `story "${story.name}": ${word(j)} has a non-finite time (onset ${a}, offset ${b})${at}`);
    } else if (a < 0) {
      add(
        'E_DATA_INVALID',
        `story "${story.name}": ${word(j)} starts at a negative time (${a} s)${at}. Word times count from the start of the stimulus`,
      );
    } else if (b < a) {
      add('E_DATA_INVALID', `story "${story.name}": ${word(j)} ends before it starts (onset ${a} s, offset ${b} s)${at}`);
    } else if (j > 0 && a < onset[j - 1]!) {
      add(
        'E_DATA_INVALID',
        `story "${story.name}": words are out of order: ${word(j)} starts at ${a} s, before ${word(j - 1)} at ${onset[j - 1]} s${at}. Sort the words by onset`,
      );
    } else if (j > 0 && a < offset[j - 1]! - 1e-9) {
      // Tolerate rounding in the 9th decimal (TextGrids print times in decimal).
      add(
        'E_DATA_INVALID',
        `story "${story.name}": ${word(j)} (${a}–${b} s) overlaps ${word(j - 1)} (${onset[j - 1]}–${offset[j - 1]} s)${at}`,
      );
    } else if (!Number.isFinite(story.wordTimes[j]!)) {
      add('E_DATA_INVALID', `story "${story.name}": ${word(j)} has a non-finite word time (${story.wordTimes[j]})${at}`);
    } else timesOk = true;
  }
  const tr = story.trTimes;
  const nTR = tr.length;
  let gridOk = true;
  for (let k = 0; k < nTR; k++) {
    if (!Number.isFinite(tr[k]!) || (k > 0 && !(tr[k]! > tr[k - 1]!))) {
      add('E_DATA_INVALID', `story "${story.name}": TR times must increase, but TR ${k} is at ${tr[k]} s after ${tr[k - 1]} s`, files.trs);
      gridOk = false;
      break;
    }
  }
  if (!timesOk || !gridOk || nTR < 2 || n === 0) return { issues };
  const step = (tr[nTR - 1]! - tr[0]!) / (nTR - 1);
  const gridEnd = tr[nTR - 1]! + step / 2;
  let first = -1;
  let count = 0;
  let last = -Infinity;
  for (let j = 0; j < n; j++) {
    const t = story.wordTimes[j]!;
    if (t > gridEnd) {
      if (first < 0) first = j;
      count++;
      if (t > last) last = t;
    }
  }
  if (first < 0) return { issues };
  const keptLast = nTR - 1 - story.trim.end;
  const t0 = story.wordTimes[first]!;
  // Every overhanging word lies after `first` (words are in order), so checking it checks them all.
  if (keptLast >= 0 && t0 < tr[keptLast]! + OVERHANG_REACH_TRS * step) {
    add(
      'E_ALIGNMENT',
      `story "${story.name}": ${word(first)} at ${fmt(t0)} s is past the end of the scan (the last TR ends at ${fmt(gridEnd)} s; ${count} words overhang it by up to ${fmt(last - gridEnd)} s)${at}, and it lies within ${OVERHANG_REACH_TRS} TRs of the last kept TR (TR ${keptLast} at ${fmt(tr[keptLast]!)} s), so it would change kept response rows. The TR count of this story is too small or the word times are shifted (an end trim of at least ${OVERHANG_REACH_TRS} TRs, as LeBel's 5, makes such words harmless)`,
    );
    return { issues };
  }
  return { issues, overhang: { words: count, seconds: last - gridEnd, gridEnd } };
}

/** The warning for an accepted overhang, as a `log` event message. */
function overhangMessage(story: string, o: StoryOverhang, file?: string): string {
  return `story "${story}": ${o.words} word${o.words === 1 ? '' : 's'} run past the end of the scan by up to ${fmt(o.seconds)} s (the grid ends at ${fmt(o.gridEnd)} s)${file ? ` (${file})` : ''}; accepted as Huth and LITcoder do: they reach only TRs that the end trim drops`;
}

/** Stories whose overhang warning was already emitted (a source and the writer see the same story object). */
const reported = new WeakSet<object>();

/** Emits the overhang warning of a story once, whoever asks first (the source on load, or the writer). */
export function reportOverhang(
  story: Story,
  overhang: StoryOverhang | undefined,
  emit: EventSink | undefined,
  stage: string,
  file?: string,
): void {
  if (!overhang || !emit || reported.has(story)) return;
  reported.add(story);
  emit({
    type: 'log',
    level: 'warn',
    stage,
    message: overhangMessage(story.name, overhang, file),
    details: { story: story.name, overhangWords: overhang.words, overhangSeconds: overhang.seconds },
  });
}
