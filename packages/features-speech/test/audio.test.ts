import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { decodeWav, encodeWav, loadAudio, resample } from '../src/index.js';
import { tempDir } from './helpers.js';

function ramp(n: number, k: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => ((i * 37 + k * 11) % 200) / 100 - 1);
}

/** Hand-built WAV bytes with a given format code, bits and an optional WAVE_FORMAT_EXTENSIBLE header. */
function wavBytes(code: number, bits: number, channels: number, frames: Uint8Array, extensible = false): Uint8Array {
  const fmtSize = extensible ? 40 : 16;
  const out = new Uint8Array(12 + 8 + fmtSize + 8 + frames.byteLength);
  const v = new DataView(out.buffer);
  const str = (at: number, s: string) => [...s].forEach((c, i) => (out[at + i] = c.charCodeAt(0)));
  str(0, 'RIFF');
  v.setUint32(4, out.byteLength - 8, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, extensible ? 0xfffe : code, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, 16000, true);
  v.setUint32(28, 16000 * channels * (bits / 8), true);
  v.setUint16(32, channels * (bits / 8), true);
  v.setUint16(34, bits, true);
  if (extensible) {
    v.setUint16(36, 22, true);
    v.setUint16(44, code, true); // SubFormat GUID starts with the format code
  }
  str(20 + fmtSize, 'data');
  v.setUint32(24 + fmtSize, frames.byteLength, true);
  out.set(frames, 28 + fmtSize);
  return out;
}

describe('WAV reading', () => {
  it('scales PCM 16/24/32 as torchaudio does and averages the channels', () => {
    const l = ramp(50, 0);
    const r = ramp(50, 1);
    for (const enc of ['pcm16', 'pcm24', 'float32'] as const) {
      const d = decodeWav(encodeWav([l, r], 16000, enc), 'x.wav');
      expect(d.channels).toBe(2);
      expect(d.encoding).toBe(enc === 'float32' ? 'float32' : enc);
      const tol = enc === 'pcm16' ? 1 / 32768 : enc === 'pcm24' ? 1 / 8388608 : 1e-7;
      d.samples.forEach((x, i) => expect(Math.abs(x - (l[i]! + r[i]!) / 2)).toBeLessThanOrEqual(tol));
    }
    // 32-bit PCM: -2^31 → -1, 2^30 → 0.5; 8-bit is unsigned around 128.
    const p32 = new Uint8Array(8);
    new DataView(p32.buffer).setInt32(0, -(2 ** 31), true);
    new DataView(p32.buffer).setInt32(4, 2 ** 30, true);
    expect(Array.from(decodeWav(wavBytes(1, 32, 1, p32), 'x.wav').samples)).toEqual([-1, 0.5]);
    expect(Array.from(decodeWav(wavBytes(1, 8, 1, Uint8Array.of(0, 128, 192)), 'x.wav').samples)).toEqual([-1, 0, 0.5]);
    // WAVE_FORMAT_EXTENSIBLE float, three channels.
    const f = new Float32Array([0.3, 0.6, 0.9, -1, 0, 1]);
    const ext = decodeWav(wavBytes(3, 32, 3, new Uint8Array(f.buffer), true), 'x.wav');
    expect(ext.samples[0]).toBeCloseTo(0.6, 6);
    expect(ext.samples[1]).toBeCloseTo(0, 6);
  });

  it('names the file on what it cannot read', () => {
    expectVoxelwiseError(() => decodeWav(new Uint8Array(40), 'story.wav'), 'E_FILE_FORMAT', /story\.wav: not a RIFF\/WAVE file/);
    expectVoxelwiseError(
      () => decodeWav(wavBytes(2, 4, 1, new Uint8Array(4)), 'adpcm.wav'),
      'E_FILE_FORMAT',
      /adpcm\.wav: unsupported sample format \(format code 2/,
    );
  });

  it('loadAudio reports a missing file by name', async () => {
    await expectVoxelwiseError(() => loadAudio(path.join(tempDir(), 'gone.wav'), 16000), 'E_FILE_NOT_FOUND', /gone\.wav/);
  });
});

describe('resampling (libsamplerate SRC_SINC_BEST_QUALITY)', () => {
  it('reproduces band-limited tones at the new rate, torchaudio’s output length, nothing lost at the end', async () => {
    for (const [from, to] of [
      [44100, 16000],
      [22050, 16000],
      [8000, 16000],
    ] as const) {
      const seconds = 1.3;
      const freqs = [123.4, 997, Math.min(3100, from * 0.4)];
      const f = (t: number) => freqs.reduce((a, hz, k) => a + Math.sin(2 * Math.PI * hz * t + k) / 4, 0);
      const x = Float32Array.from({ length: Math.round(seconds * from) }, (_, i) => f(i / from));
      const y = await resample(x, from, to);
      expect(y.length).toBe(Math.ceil((x.length * to) / from));
      // Away from the edges (where the input stops), the output is the continuous signal sampled at `to`.
      let err = 0;
      for (let i = Math.round(0.05 * to); i < y.length - Math.round(0.05 * to); i++) err = Math.max(err, Math.abs(y[i]! - f(i / to)));
      expect(err, `${from} → ${to}`).toBeLessThan(1e-3);
      // The last samples carry the signal too (libsamplerate's filter delay is flushed).
      expect(Math.abs(y[y.length - Math.round(0.002 * to)]!)).toBeGreaterThan(0);
    }
  });

  it('loadAudio mixes down and resamples a file to the model rate, and hashes its bytes', async () => {
    const file = path.join(tempDir(), 'a.wav');
    const l = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
    writeFileSync(file, encodeWav([l, l], 22050, 'float32'));
    const a = await loadAudio(file, 16000);
    expect(a).toMatchObject({ sampleRate: 16000, sourceRate: 22050, channels: 2, encoding: 'float32' });
    expect(a.samples.length).toBe(16000);
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(a.samples[8000]! - 0.5 * Math.sin((2 * Math.PI * 440 * 8000) / 16000))).toBeLessThan(1e-3);
  });
});

describe('FLAC reading (@wasm-audio-decoders/flac)', () => {
  it('decodes losslessly: the same samples as the WAV it was encoded from', async () => {
    const { readFileSync } = await import('node:fs');
    const { FIXTURES } = await import('./helpers.js');
    const { decodeFlac, isFlac } = await import('../src/index.js');
    const flac = readFileSync(path.join(FIXTURES, 'tones.flac'));
    expect(isFlac(flac)).toBe(true);
    const got = await decodeFlac(flac, 'tones.flac');
    const want = decodeWav(readFileSync(path.join(FIXTURES, 'tones.wav')), 'tones.wav');
    expect(got).toMatchObject({ sampleRate: 16000, channels: 2, encoding: 'flac16' });
    expect(Array.from(got.samples)).toEqual(Array.from(want.samples.subarray(0, 8000)));
    await expectVoxelwiseError(() => decodeFlac(flac.subarray(0, 60), 'cut.flac'), 'E_FILE_FORMAT', /cut\.flac/);
  });
});
