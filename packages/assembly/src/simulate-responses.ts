import type { Rng } from '@voxelwise/core';
import type { StoryPlan } from './simulate-stories.js';
import type { PlantedModel } from './simulate-weights.js';

/** Computes the responses of a simulation on demand, voxel block by voxel block. */
export interface Responder {
  /** The noiseless signal of voxel `v` over the response rows of `s`, into `out`. */
  signalOf(s: StoryPlan, v: number, out: Float64Array): void;
  /** One repeat of voxels [v0, v1): signal + AR(1) noise, float32 rows × (v1 − v0). */
  repeatBlock(s: StoryPlan, repeat: number, v0: number, v1: number): Float32Array;
  /** The stored response: one repeat, or the float32 mean of the float32 repeats. */
  meanBlock(s: StoryPlan, v0: number, v1: number): Float32Array;
}

/** What {@link createResponder} needs besides the planted model. */
export interface ResponderOptions {
  /** Delayed feature columns (rows of `model.W`). */
  p: number;
  voxels: number;
  /** AR(1) coefficient φ of the noise. */
  ar1: number;
  /** First response row of the TR grid (the LeBel trim). */
  start: number;
}

/**
 * Phase 3 of a simulation: responses = planted signal + stationary AR(1) noise. The noise of every
 * (story, repeat, voxel) has its own seeded stream, so a voxel's values are the same whatever
 * block it is computed in.
 */
export function createResponder(model: PlantedModel, root: Rng, { p, voxels: V, ar1: phi, start }: ResponderOptions): Responder {
  const { planted, W, noiseSd } = model;
  const signalOf = (s: StoryPlan, v: number, out: Float64Array): void => {
    for (let i = 0; i < s.nRows; i++) {
      const x = s.X.subarray((start + i) * p, (start + i + 1) * p);
      let y = 0;
      for (let a = 0; a < p; a++) y += x[a]! * W[a * V + v]!;
      out[i] = y;
    }
  };
  const repeatBlock = (s: StoryPlan, repeat: number, v0: number, v1: number): Float32Array => {
    const w = v1 - v0;
    const rows = s.nRows;
    const out = new Float32Array(rows * w);
    const sig = new Float64Array(rows);
    const innov = Math.sqrt(1 - phi * phi);
    // Voxels are computed in narrow tiles, then copied row by row: writing one voxel's column
    // straight into a wide row-major block would miss the cache on every value.
    const TILE = 64;
    const tile = new Float32Array(rows * TILE);
    for (let t0 = v0; t0 < v1; t0 += TILE) {
      const tw = Math.min(TILE, v1 - t0);
      for (let j = 0; j < tw; j++) {
        const v = t0 + j;
        if (planted[v]) signalOf(s, v, sig);
        else sig.fill(0);
        const r = root.fork(`noise/${s.name}/${repeat}/${v}`);
        const sd = noiseSd[v]!;
        let e = 0;
        for (let i = 0; i < rows; i++) {
          // Stationary AR(1): e_0 ~ N(0, sd²), e_t = φ·e_{t−1} + sd·√(1−φ²)·ξ_t.
          e = i === 0 ? sd * r.normal() : phi * e + sd * innov * r.normal();
          tile[i * tw + j] = sig[i]! + e;
        }
      }
      if (tw === w) return tile.slice(0, rows * w);
      for (let i = 0; i < rows; i++) out.set(tile.subarray(i * tw, (i + 1) * tw), i * w + (t0 - v0));
    }
    return out;
  };
  const meanBlock = (s: StoryPlan, v0: number, v1: number): Float32Array => {
    if (s.repeats === 1) return repeatBlock(s, 0, v0, v1);
    const acc = new Float64Array(s.nRows * (v1 - v0));
    for (let r = 0; r < s.repeats; r++) {
      const b = repeatBlock(s, r, v0, v1);
      for (let k = 0; k < acc.length; k++) acc[k]! += b[k]!;
    }
    const out = new Float32Array(acc.length);
    for (let k = 0; k < acc.length; k++) out[k] = acc[k]! / s.repeats;
    return out;
  };
  return { signalOf, repeatBlock, meanBlock };
}
