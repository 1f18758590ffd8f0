import { matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

// Dense (TRs × words) formulations written straight from LITcoder's encoding/downsample/*.py
// (rect, sinc, gabor, label groups) and Huth's ridge_utils/interpdata.py `lanczosinterp2D`, independent of the
// banded code in src/: the property tests check that banding changes nothing.

function meanDiff(t: Float64Array): number {
  let s = 0;
  for (let i = 1; i < t.length; i++) s += t[i]! - t[i - 1]!;
  return s / (t.length - 1);
}

function product(w: Float64Array, m: number, x: Matrix): Matrix<Float64Array> {
  const n = x.rows;
  const d = x.cols;
  const out = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const wij = w[i * n + j]!;
      if (wij === 0) continue;
      for (let k = 0; k < d; k++) out[i * d + k]! += wij * x.data[j * d + k]!;
    }
  }
  return matrix(m, d, out);
}

/** Lanczos weights: u = B(t − s); a sin(πu) sin(πu/a)/(π²u²); 1 at u = 0; 0 where |u| > a. */
function denseLanczosWeights(dataTimes: Float64Array, trTimes: Float64Array, a: number, c: number): Float64Array {
  const B = (1 / meanDiff(trTimes)) * c;
  const n = dataTimes.length;
  const w = new Float64Array(trTimes.length * n);
  for (let i = 0; i < trTimes.length; i++) {
    for (let j = 0; j < n; j++) {
      const u = (trTimes[i]! - dataTimes[j]!) * B;
      w[i * n + j] =
        u === 0 ? 1 : Math.abs(u) > a ? 0 : (a * Math.sin(Math.PI * u) * Math.sin((Math.PI * u) / a)) / (Math.PI * Math.PI * u * u);
    }
  }
  return w;
}

export function denseLanczos(x: Matrix, dataTimes: Float64Array, trTimes: Float64Array, a: number, c: number): Matrix<Float64Array> {
  return product(denseLanczosWeights(dataTimes, trTimes, a, c), trTimes.length, x);
}

/** Sinc weights: 2B sin(2πBτ)/(2πBτ + 1e-20), 0 where |τ| > w/(2B) or (causal) τ < 0, rows renormalised. */
export function denseSinc(
  x: Matrix,
  dataTimes: Float64Array,
  trTimes: Float64Array,
  win: number,
  c: number,
  causal: boolean,
  renorm: boolean,
): Matrix<Float64Array> {
  const B = (1 / meanDiff(trTimes)) * c;
  const n = dataTimes.length;
  const m = trTimes.length;
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const tau = trTimes[i]! - dataTimes[j]!;
      let v = (2 * B * Math.sin(2 * Math.PI * B * tau)) / (2 * Math.PI * B * tau + 1e-20);
      if (Math.abs(tau) > win / (2 * B)) v = 0;
      if (causal && tau < 0) v = 0;
      w[i * n + j] = v;
      sum += v;
    }
    if (renorm && sum !== 0) for (let j = 0; j < n; j++) w[i * n + j]! /= sum;
  }
  return product(w, m, x);
}

/** |Σ_j exp(−0.5Δ²/(2σ²)) x_jk e^{2πi f s_j}| per feature k and frequency, feature-major. */
export function denseGabor(
  x: Matrix,
  dataTimes: Float64Array,
  trTimes: Float64Array,
  freqs: readonly number[],
  sigma: number,
): Matrix<Float64Array> {
  const m = trTimes.length;
  const n = dataTimes.length;
  const d = x.cols;
  const nf = freqs.length;
  const out = new Float64Array(m * d * nf);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < nf; l++) {
      for (let k = 0; k < d; k++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < n; j++) {
          const g = Math.exp((-0.5 * (dataTimes[j]! - trTimes[i]!) ** 2) / (2 * sigma * sigma)) * x.data[j * d + k]!;
          re += Math.cos(dataTimes[j]! * freqs[l]! * 2 * Math.PI) * g;
          im += Math.sin(dataTimes[j]! * freqs[l]! * 2 * Math.PI) * g;
        }
        out[i * d * nf + k * nf + l] = Math.hypot(re, im);
      }
    }
  }
  return matrix(m, d * nf, out);
}

/** Mean of the words in [t − TR/2, t + TR/2), 0 when none. */
export function denseRect(x: Matrix, dataTimes: Float64Array, trTimes: Float64Array): Matrix<Float64Array> {
  const tr = meanDiff(trTimes);
  const m = trTimes.length;
  const d = x.cols;
  const out = new Float64Array(m * d);
  for (let i = 0; i < m; i++) {
    let count = 0;
    for (let j = 0; j < dataTimes.length; j++) {
      if (dataTimes[j]! >= trTimes[i]! - tr / 2 && dataTimes[j]! < trTimes[i]! + tr / 2) {
        count++;
        for (let k = 0; k < d; k++) out[i * d + k]! += x.data[j * d + k]!;
      }
    }
    if (count > 0) for (let k = 0; k < d; k++) out[i * d + k]! /= count;
  }
  return matrix(m, d, out);
}
