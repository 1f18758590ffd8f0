import { voxelwiseError } from '@voxelwise/core';
import type { DecodedAudio } from './wav.js';

/** True when `bytes` start with the FLAC stream marker `fLaC`. */
export function isFlac(bytes: Uint8Array): boolean {
  return bytes[0] === 0x66 && bytes[1] === 0x4c && bytes[2] === 0x61 && bytes[3] === 0x43;
}

/**
 * Decodes a FLAC file with `@wasm-audio-decoders/flac` (libFLAC compiled to WebAssembly) and mixes
 * its channels down by their mean, as {@link decodeWav} does.
 */
export async function decodeFlac(bytes: Uint8Array, file: string): Promise<DecodedAudio> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  await decoder.ready;
  try {
    const out = await decoder.decodeFile(bytes);
    if (out.errors.length > 0 || out.channelData.length === 0) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'features-speech:audio',
        message: `${file}: FLAC decoding failed (${out.errors[0]?.message ?? 'no channels'})`,
        hint: 'Check the file is complete, or convert it to WAV.',
        details: { file },
      });
    }
    const n = out.samplesDecoded;
    const samples = new Float32Array(n);
    const chans = out.channelData;
    // The decoder divides the integer samples by 2^(bits−1) − 1; torchaudio (and decodeWav)
    // by 2^(bits−1): recover the integers, then scale as torchaudio does.
    const full = 2 ** (out.bitDepth - 1);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const ch of chans) sum += Math.round(ch[i]! * (full - 1));
      samples[i] = sum / full / chans.length;
    }
    return { sampleRate: out.sampleRate, channels: chans.length, samples, encoding: `flac${out.bitDepth}` };
  } finally {
    decoder.free();
  }
}
