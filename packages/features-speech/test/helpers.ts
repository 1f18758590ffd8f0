import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary folder. */
export function tempDir(prefix = 'features-speech-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A sum of tones with a slow amplitude envelope, deterministic (no randomness): a useful, varying signal. */
export function tones(seconds: number, sampleRate: number, freqs: readonly number[] = [220, 440, 1250]): Float32Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    let v = 0;
    freqs.forEach((f, k) => {
      const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * (0.3 + 0.2 * k) * t + k);
      v += env * Math.sin(2 * Math.PI * f * t);
    });
    out[i] = (0.8 * v) / freqs.length;
  }
  return out;
}
