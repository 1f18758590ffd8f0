import type { Rng } from '@voxelwise/core';
import type { IntervalTier } from './textgrid.js';

/** One interval of a simulated transcript. */
export interface SimInterval {
  readonly xmin: number;
  readonly xmax: number;
  readonly text: string;
  /** `word`: spoken word; `empty`: an interval with empty text (kept as an empty word, as Huth does); `nonspeech`: a label the importer drops. */
  readonly kind: 'word' | 'empty' | 'nonspeech';
}

/** A simulated story transcript: contiguous word-tier intervals from 0 to `end`. */
export interface SimTranscript {
  readonly intervals: readonly SimInterval[];
  /** End of the last interval (seconds). */
  readonly end: number;
}

// Common English words (function words first, so a Zipf draw favours them), then content words.
const VOCAB = (
  'the and to a of i it that was in he you so we my she they but is this with on for just like ' +
  'had at be all what there me her have not one were out up his do know about when no then them ' +
  'back from our said would as time if get by an could did now how go him because little went ' +
  'really going who people more some day very got down over into first can think your well right ' +
  'see two way years after home other made said still never house night where something thought ' +
  'again school father mother water around come every long through door hand before old big life ' +
  'told took room morning found last car looked friend started called ever always away new love ' +
  'remember best work head world next story window street small moment three kind place last money ' +
  'dog children light heart laugh summer city sister brother music river phone table letter box ' +
  'smoke doctor garden eyes voice minute hospital kitchen coffee winter morning teacher airplane'
).split(' ');
const NAMES = ['Sarah', 'Chicago', 'Daniel', 'Texas', 'Maria', 'New', 'York', 'Christmas', 'José', 'Zoë', 'Paris', 'Mike'];
const NONSPEECH = ['sp', 'sp', 'sp', 'SP', '{SP}', '{BR}', '{BR}', '{LG}', '{NS}', '{ls}', 'sentence_start', 'sentence_end'];
const PHONES = ['AA', 'AE', 'AH', 'B', 'D', 'EH', 'ER', 'F', 'IH', 'IY', 'K', 'L', 'M', 'N', 'OW', 'P', 'R', 'S', 'T', 'UW', 'V', 'W', 'Z'];

function zipfIndex(rng: Rng, n: number): number {
  // Inverse-CDF draw from p(k) ∝ 1/(k + 2), approximated continuously.
  const u = rng.next();
  const k = Math.floor(Math.exp(u * Math.log((n + 2) / 2)) * 2 - 2);
  return Math.min(n - 1, Math.max(0, k));
}

const round = (t: number): number => Math.round(t * 1e4) / 1e4;

/**
 * Simulates the word tier of a story with realistic timing: sentences of 3–18 words at
 * ≈ 2–3 words/s, pauses marked `sp`, breaths and laughs (`{BR}`, `{LG}`, …) and a few empty
 * intervals, sentence-initial capitals, names, punctuation-free English-like text. Times are
 * rounded to 0.1 ms, like forced-aligner output.
 */
export function simulateTranscript(rng: Rng, duration: number): SimTranscript {
  const out: SimInterval[] = [];
  let t = 0;
  const push = (len: number, text: string, kind: SimInterval['kind']) => {
    const a = round(t);
    const b = round(t + len);
    if (b <= a) return;
    out.push({ xmin: a, xmax: b, text, kind });
    t = b;
  };
  const silentLead = rng.next() < 0.5;
  push(0.3 + rng.next() * 1.2, silentLead ? '' : 'sp', silentLead ? 'empty' : 'nonspeech');
  while (t < duration) {
    const n = 3 + rng.int(16);
    for (let k = 0; k < n; k++) {
      let w = rng.next() < 0.04 ? NAMES[rng.int(NAMES.length)]! : VOCAB[zipfIndex(rng, VOCAB.length)]!;
      if (w === 'i') w = 'I';
      if (k === 0) w = w[0]!.toUpperCase() + w.slice(1);
      push((0.14 + 0.045 * w.length) * (0.75 + 0.5 * rng.next()), w, 'word');
      if (k < n - 1 && rng.next() < 0.08) push(0.08 + 0.25 * rng.next(), 'sp', 'nonspeech');
    }
    const r = rng.next();
    if (r < 0.03) push(0.2 + 0.4 * rng.next(), '', 'empty');
    else {
      const label = NONSPEECH[rng.int(NONSPEECH.length)]!;
      push(0.25 + 0.9 * rng.next(), label, 'nonspeech');
    }
  }
  return { intervals: out, end: t };
}

/** The word tier of a transcript as a TextGrid tier. */
export function wordTier(tr: SimTranscript, name = 'word'): IntervalTier {
  return { kind: 'interval', name, xmin: 0, xmax: tr.end, intervals: tr.intervals.map(({ xmin, xmax, text }) => ({ xmin, xmax, text })) };
}

/** A phone tier consistent with the word tier (pseudo-phonemes splitting each word's interval). */
export function phoneTier(tr: SimTranscript, rng: Rng, name = 'phone'): IntervalTier {
  const intervals: Array<{ xmin: number; xmax: number; text: string }> = [];
  for (const iv of tr.intervals) {
    if (iv.kind !== 'word') {
      intervals.push({ xmin: iv.xmin, xmax: iv.xmax, text: iv.kind === 'empty' ? '' : 'sp' });
      continue;
    }
    const n = Math.max(1, Math.round(iv.text.length / 1.6));
    let a = iv.xmin;
    for (let k = 0; k < n; k++) {
      const b = k === n - 1 ? iv.xmax : round(iv.xmin + ((iv.xmax - iv.xmin) * (k + 1)) / n);
      if (b > a) intervals.push({ xmin: a, xmax: b, text: `${PHONES[rng.int(PHONES.length)]}${rng.int(3)}` });
      a = b;
    }
  }
  return { kind: 'interval', name, xmin: 0, xmax: tr.end, intervals };
}
