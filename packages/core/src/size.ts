import { voxelwiseError } from './errors.js';

/** Bytes per unit: SI units are powers of 10, IEC units (`KiB` …) powers of 2 (IEC 80000-13). */
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * Parses a size in bytes: a number, or a string such as `"8GB"` (8·10⁹), `"512 MiB"` (512·2²⁰),
 * `"1.5e9"` or `"4096"`. Units are case-insensitive; `KB`, `MB`, `GB`, `TB` are SI (powers of 10),
 * `KiB`, `MiB`, `GiB`, `TiB` binary (powers of 2), `B` or none bytes. The result is rounded down
 * to whole bytes.
 *
 * @param what - the option being parsed, named in the error (e.g. `memoryBudget`).
 * @throws VoxelwiseError `E_CONFIG_INVALID` when the size is not a finite, non-negative amount
 * with a known unit.
 * @example
 * parseSize('8GB', 'memoryBudget'); // 8_000_000_000
 */
export function parseSize(size: number | string, what = 'size'): number {
  let bytes: number | undefined;
  if (typeof size === 'number') bytes = size;
  else if (typeof size === 'string') {
    const m = /^(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)$/i.exec(size.trim());
    const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
    if (m && factor !== undefined) bytes = Number(m[1]) * factor;
  }
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'core:size',
      message: `${what} ${JSON.stringify(size)} is not a size`,
      expected: 'a number of bytes or a size such as "8GB" (10⁹) or "8GiB" (2³⁰)',
      hint: 'Units: B, KB, MB, GB, TB (powers of 10) or KiB, MiB, GiB, TiB (powers of 2).',
    });
  }
  return Math.floor(bytes);
}

/**
 * Formats a byte count for people, in SI units (`1.5 GB`), three significant digits; the inverse
 * of {@link parseSize} up to rounding.
 *
 * @example
 * formatSize(8e9); // '8 GB'
 */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;
  let value = bytes;
  let u = 0;
  while (Math.abs(value) >= 1000 && u < units.length - 1) {
    value /= 1000;
    u++;
  }
  const text = u === 0 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
  return `${text} ${units[u]}`;
}
