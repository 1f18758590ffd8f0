import fc from 'fast-check';
import { isVoxelwiseError } from '@voxelwise/core';

/** One way of damaging a file's bytes. */
export type Damage =
  { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'garbage'; at: number; bytes: number[] };

/** Damage anywhere in a file of `size` bytes: a truncation, a bit flip, or a run of garbage bytes. */
export const damage = (size: number): fc.Arbitrary<Damage> =>
  fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: Math.max(0, size - 1) }) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: size - 1 }), bit: fc.nat({ max: 7 }) }),
    fc.record({
      kind: fc.constant('garbage' as const),
      at: fc.nat({ max: size - 1 }),
      bytes: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 32 }),
    }),
  );

/** The damaged copy of `bytes`. */
export function applyDamage(bytes: Uint8Array, d: Damage): Uint8Array {
  if (d.kind === 'truncate') return bytes.slice(0, d.at);
  const out = Uint8Array.from(bytes);
  if (d.kind === 'flip') out[d.at]! ^= 1 << d.bit;
  else for (let k = 0; k < d.bytes.length && d.at + k < out.length; k++) out[d.at + k] = d.bytes[k]!;
  return out;
}

/** Runs `fn`: its result, or the VoxelwiseError it threw; anything else thrown fails the property. */
export async function codedOrValue<T>(fn: () => Promise<T> | T): Promise<{ value: T } | { code: string }> {
  try {
    return { value: await fn() };
  } catch (error) {
    if (isVoxelwiseError(error)) return { code: error.code };
    throw new Error(`not a VoxelwiseError: ${String(error)}`, { cause: error });
  }
}

/** Seed and run counts of the fuzz suites (kept small: the whole suite stays well under 20 s). */
export const FUZZ = { seed: 20261206 } as const;
