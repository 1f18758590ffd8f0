/**
 * A seeded pseudo-random generator (sfc32, 128-bit state). Every random choice in voxelwise
 * (folds, bootstraps, permutations, simulations) draws from one of these, derived from the
 * config's seed, so runs are reproducible.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box–Muller). */
  normal(): number;
  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(array: T[]): T[];
  /** Fisher–Yates shuffle of a typed array in place. */
  shuffleTyped<A extends Int32Array | Uint32Array | Float64Array | Float32Array>(array: A): A;
  /** An independent generator for a named sub-stream (stable for a given seed and label). */
  fork(label: string): Rng;
  /** The seed this generator was created from. */
  readonly seed: number;
}

/** 32-bit FNV-1a over a string, mixed with murmur3's finaliser. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Creates a seeded generator.
 *
 * @example
 * const rng = createRng(42);
 * const folds = rng.fork('folds').shuffle([0, 1, 2, 3]);
 */
export function createRng(seed: number): Rng {
  const st = { s: (Math.floor(seed) ^ 0x5bd1e995) | 0 };
  let a = splitmix32(st);
  let b = splitmix32(st);
  let c = splitmix32(st);
  let d = splitmix32(st);
  let spare: number | null = null;

  const uint32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator)
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();

  const next = (): number => {
    const hi = uint32() >>> 5; // 27 bits
    const lo = uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  };

  const rng: Rng = {
    seed,
    next,
    uint32,
    int(n: number): number {
      if (!(n > 0)) throw new RangeError(`Rng.int needs n > 0 (got ${n})`);
      return Math.floor(next() * n);
    },
    normal(): number {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    shuffle<T>(array: T[]): T[] {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i]!;
        array[i] = array[j]!;
        array[j] = tmp;
      }
      return array;
    },
    shuffleTyped<A extends Int32Array | Uint32Array | Float64Array | Float32Array>(array: A): A {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i]!;
        array[i] = array[j]!;
        array[j] = tmp;
      }
      return array;
    },
    fork(label: string): Rng {
      return createRng(hashString(label, hashString(String(seed))));
    },
  };
  return rng;
}
