import { voxelwiseError } from '@voxelwise/core';
import type { FeatureBand } from '@voxelwise/core';

/** Name of the single band a fit without {@link FeatureBand}s uses. */
const WHOLE_BAND = 'all';

/**
 * Checks a fit's bands against its `p` feature columns: in column order, contiguous, non-empty,
 * covering every column, with distinct names. Without bands, all columns form one band.
 */
export function checkBands(bands: readonly FeatureBand[] | undefined, p: number, where: string): readonly FeatureBand[] {
  if (!bands || bands.length === 0) return [{ name: WHOLE_BAND, start: 0, end: p }];
  const names = new Set<string>();
  let next = 0;
  bands.forEach((b, i) => {
    const label = `band ${i} ("${b.name}")`;
    if (!Number.isInteger(b.start) || !Number.isInteger(b.end) || b.start !== next || b.end <= b.start) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `${label} covers columns ${b.start}–${b.end}; bands must be non-empty and contiguous, so it must start at column ${next}`,
        got: [b.start, b.end],
        hint: 'Give the bands in column order, each starting where the previous one ends.',
      });
    }
    if (names.has(b.name)) {
      throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: `${label} repeats a band name; names must be distinct` });
    }
    names.add(b.name);
    next = b.end;
  });
  if (next !== p) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: `the bands cover columns 0–${next} but X has ${p} feature columns`,
      got: next,
      expected: p,
      hint: 'The last band must end at the number of columns of X.',
    });
  }
  return bands;
}

/** Per column, √γ of its band: the scaling that turns ridge on the scaled columns into banded ridge. */
export function columnScales(bands: readonly FeatureBand[], gamma: ArrayLike<number>, p: number): Float64Array {
  const s = new Float64Array(p);
  bands.forEach((b, k) => s.fill(Math.sqrt(gamma[k]!), b.start, b.end));
  return s;
}
