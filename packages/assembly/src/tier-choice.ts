import { voxelwiseError } from '@voxelwise/core';
import type { IntervalTier, TextGrid } from './textgrid.js';

/** ARPAbet phone symbols (CMUdict), vowels with an optional stress digit as Praat/P2FA/MFA write them ("AH0"). */
const ARPABET = /^(AA|AE|AH|AO|AW|AY|B|CH|D|DH|EH|ER|EY|F|G|HH|IH|IY|JH|K|L|M|N|NG|OW|OY|P|R|S|SH|T|TH|UH|UW|V|W|Y|Z|ZH)[012]?$/i;

/** Silence and noise labels that both tiers of an aligner's TextGrid carry; they say nothing about the tier. */
const NEUTRAL = /^[{]?(sp|sil|br|lg|ls|ns|sentence_start|sentence_end|spn|noise)?[}]?$/i;

/** True for an ARPAbet phone label such as `AH0`, `B`, `ng`. */
export function isArpabet(label: string): boolean {
  return ARPABET.test(label.trim());
}

/** What a tier's labels look like: the share of ARPAbet labels among the informative ones, how many, how long. */
export interface TierProfile {
  readonly name: string;
  /** Share of ARPAbet symbols among labels that are neither empty nor silence/noise, 0–1 (NaN when there are none). */
  readonly arpabet: number;
  /** Informative labels counted. */
  readonly labels: number;
  readonly intervals: number;
  /** Median interval duration of the informative labels, seconds. */
  readonly medianSeconds: number;
}

/** Profiles an interval tier for {@link chooseWordTier}. */
export function profileTier(tier: IntervalTier): TierProfile {
  const informative = tier.intervals.filter((iv) => !NEUTRAL.test(iv.text.trim()));
  const phones = informative.filter((iv) => isArpabet(iv.text)).length;
  const d = informative.map((iv) => iv.xmax - iv.xmin).sort((a, b) => a - b);
  return {
    name: tier.name,
    arpabet: informative.length ? phones / informative.length : Number.NaN,
    labels: informative.length,
    intervals: tier.intervals.length,
    medianSeconds: d.length ? d[d.length >> 1]! : Number.NaN,
  };
}

/** A tier whose informative labels are at least this share ARPAbet is a phone tier. */
const PHONE_SHARE = 0.8;
/** A tier whose informative labels are at most this share ARPAbet is a word tier (filler words "uh", "ah" are ARPAbet-shaped). */
const WORD_SHARE = 0.3;

/** True when a list of word labels looks like an ARPAbet phone tier (≥ 20 informative labels, ≥ 80 % phones). */
export function looksLikePhones(labels: readonly string[]): boolean {
  const informative = labels.filter((l) => !NEUTRAL.test(l.trim()));
  if (informative.length < 20) return false;
  return informative.filter(isArpabet).length / informative.length >= PHONE_SHARE;
}

// Montreal Forced Aligner names a speaker's tiers "<speaker> - words" and "<speaker> - phones".
const WORD_NAME = /^(.+\s-\s)?words?$/i;
const PHONE_NAME = /^(.+\s-\s)?phones?$/i;

/**
 * Picks the word tier of an aligner TextGrid (LeBel/Huth, Praat, P2FA and MFA all write a phone
 * and a word tier). By name first: the tier named `word`/`words` (case-insensitive; MFA's
 * `<speaker> - words` too); else, when a tier is named `phone`/`phones`, the one other interval
 * tier. Without usable names, by
 * plausibility: a phone tier holds ARPAbet symbols such as `AH0` (≥ 80 % of its non-silence
 * labels), a word tier does not (≤ 30 %); when the labels do not decide between two tiers, the
 * phone tier is the one with at least 1.5 times as many intervals, each shorter. When it still
 * cannot tell, an `E_FILE_FORMAT` error names the file and what each tier looks like; it never
 * falls back to a position (Huth's `tiers[1]`), so swapped unnamed tiers are not read as words.
 *
 * @example
 * const tier = chooseWordTier(parseTextGrid(bytes, file), file);
 */
export function chooseWordTier(grid: TextGrid, file: string): IntervalTier {
  const byName = grid.tiers.find((t) => WORD_NAME.test(t.name.trim()));
  if (byName) return checkInterval(byName, file);
  const interval = grid.tiers.filter((t): t is IntervalTier => t.kind === 'interval');
  const named = interval.filter((t) => !PHONE_NAME.test(t.name.trim()));
  if (named.length === 1 && named.length < interval.length) return named[0]!;
  const candidates = named.length > 0 ? named : interval;
  const profiles = candidates.map(profileTier);
  const fail = (why: string): never => {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${file}: cannot tell which tier holds the words (${why})`,
      got: profiles.map((p) => ({
        tier: p.name,
        intervals: p.intervals,
        arpabetShare: Number.isNaN(p.arpabet) ? null : Math.round(p.arpabet * 100) / 100,
      })),
      hint: 'Name the word tier "word" and the phone tier "phone" (in Praat: Tier > Rename tier…).',
      details: { file, tiers: grid.tiers.map((t) => t.name) },
    });
  };
  if (candidates.length === 0) fail(grid.tiers.length === 0 ? 'it has no tiers' : 'it has no interval tier');
  if (candidates.length === 1) {
    const p = profiles[0]!;
    if (p.arpabet >= PHONE_SHARE) fail(`its only interval tier "${p.name}" holds ARPAbet phones`);
    return candidates[0]!;
  }
  const words = profiles.map((p, i) => [p, i] as const).filter(([p]) => p.arpabet <= WORD_SHARE);
  const phones = profiles.filter((p) => p.arpabet >= PHONE_SHARE);
  if (words.length === 1 && phones.length === profiles.length - 1) return candidates[words[0]![1]]!;
  if (candidates.length === 2) {
    const [a, b] = profiles as [TierProfile, TierProfile];
    // Phones: many more intervals than words, each shorter.
    if (a.intervals >= 1.5 * b.intervals && a.medianSeconds < b.medianSeconds) return candidates[1]!;
    if (b.intervals >= 1.5 * a.intervals && b.medianSeconds < a.medianSeconds) return candidates[0]!;
  }
  return fail(`${candidates.length} unnamed interval tiers, none clearly words next to phones`);
}

function checkInterval(tier: TextGrid['tiers'][number], file: string): IntervalTier {
  if (tier.kind !== 'interval') {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:textgrid',
      message: `${file}: the word tier "${tier.name}" is a point tier, not an interval tier`,
      details: { file, tier: tier.name },
    });
  }
  return tier;
}
