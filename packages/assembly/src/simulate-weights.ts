import type { Rng } from '@voxelwise/core';
import type { ResolvedSimulateOptions } from './simulate-options.js';
import type { StoryPlan } from './simulate-stories.js';

/** The planted linear model of a simulation. */
export interface PlantedModel {
  /** 1 where the voxel carries signal. */
  planted: Uint8Array;
  /** p × V weights, row-major (row `b·f + k` = feature k at delay b). */
  W: Float64Array;
  /** Signal sd / noise sd per voxel (0 for noise voxels). */
  snr: Float64Array;
  /** Noise sd per voxel. */
  noiseSd: Float64Array;
}

/** Gain of each of the 4 delays: a coarse hemodynamic response (peak at 2 TRs). */
const HRF = [0.3, 1, 0.8, 0.3];

/**
 * Pooled covariance (population, p × p) of the delayed features over the response rows
 * `[start, start + nRows)` of all stories, to turn a planted SNR into a noise sd.
 */
export function pooledCovariance(plans: readonly StoryPlan[], p: number, start: number): Float64Array {
  const mean = new Float64Array(p);
  const cov = new Float64Array(p * p);
  let count = 0;
  for (const s of plans) {
    for (let i = start; i < start + s.nRows; i++) {
      const x = s.X.subarray(i * p, (i + 1) * p);
      for (let a = 0; a < p; a++) {
        mean[a]! += x[a]!;
        for (let b = 0; b < p; b++) cov[a * p + b]! += x[a]! * x[b]!;
      }
      count++;
    }
  }
  for (let a = 0; a < p; a++) mean[a]! /= count;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) cov[a * p + b] = cov[a * p + b]! / count - mean[a]! * mean[b]!;
  return cov;
}

/**
 * Phase 2 of a simulation: which voxels carry signal (a seeded `plantedFraction` of them), their
 * weights (an HRF-shaped gain over the delays × a random feature direction), a log-uniform SNR in
 * `[snrMin, snrMax]`, and the noise sd that gives that SNR under `cov`. A voxel whose planted
 * signal has no variance (constant features) becomes a noise voxel.
 */
export function plantWeights(o: ResolvedSimulateOptions, root: Rng, cov: Float64Array, nFeatures: number, nDelays: number): PlantedModel {
  const V = o.voxels;
  const f = nFeatures;
  const p = f * nDelays;
  const planted = new Uint8Array(V);
  const order = root.fork('planted').shuffle(Array.from({ length: V }, (_, v) => v));
  for (let k = 0; k < Math.round(V * o.plantedFraction); k++) planted[order[k]!] = 1;
  const W = new Float64Array(p * V);
  const snr = new Float64Array(V);
  const noiseSd = new Float64Array(V).fill(1);
  const wr = root.fork('weights');
  for (let v = 0; v < V; v++) {
    if (!planted[v]) continue;
    const dir = Float64Array.from({ length: f }, () => wr.normal() / Math.sqrt(f));
    for (let b = 0; b < nDelays; b++) {
      const h = HRF[b]! * (0.7 + 0.6 * wr.next());
      for (let k = 0; k < f; k++) W[(b * f + k) * V + v] = h * dir[k]!;
    }
    snr[v] = Math.exp(Math.log(o.snrMin) + wr.next() * (Math.log(o.snrMax) - Math.log(o.snrMin)));
    let variance = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) variance += W[a * V + v]! * cov[a * p + b]! * W[b * V + v]!;
    if (variance > 1e-20) noiseSd[v] = Math.sqrt(variance) / snr[v]!;
    else {
      // Constant features carry no signal: the voxel is noise after all.
      planted[v] = 0;
      snr[v] = 0;
      for (let a = 0; a < p; a++) W[a * V + v] = 0;
    }
  }
  return { planted, W, snr, noiseSd };
}
