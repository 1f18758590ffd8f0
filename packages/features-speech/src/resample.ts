import { voxelwiseError } from '@voxelwise/core';

/**
 * Resamples a mono signal with libsamplerate's `SRC_SINC_BEST_QUALITY` converter (a band-limited
 * sinc interpolator, Smith's algorithm; libsamplerate `src_simple`), through the WebAssembly
 * build `@alexanderolsen/libsamplerate-js`. The identity when the rates are equal.
 */
export async function resample(samples: Float32Array, from: number, to: number): Promise<Float32Array> {
  if (from === to) return samples;
  const ratio = to / from;
  // libsamplerate supports ratios in [1/256, 256].
  if (!(ratio >= 1 / 256 && ratio <= 256)) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: 'features-speech:audio',
      message: `cannot resample from ${from} Hz to ${to} Hz (ratio outside 1/256 … 256)`,
    });
  }
  const { create, ConverterType } = await import('@alexanderolsen/libsamplerate-js');
  const src = await create(1, from, to, { converterType: ConverterType.SRC_SINC_BEST_QUALITY });
  // torchaudio.functional.resample (LITcoder's) returns ceil(n·to/from) samples. libsamplerate
  // holds back its filter delay at the end of the input, so feed zeros after the signal (its
  // true continuation in both) and cut the output to that length.
  const length = Math.ceil((samples.length * to) / from);
  const padded = new Float32Array(samples.length + Math.ceil(from / 50) + 256);
  padded.set(samples);
  try {
    const out = src.simple(padded);
    const result = new Float32Array(length);
    result.set(out.subarray(0, Math.min(length, out.length)));
    return result;
  } finally {
    src.destroy();
  }
}
