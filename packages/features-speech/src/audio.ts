import { promises as fsp } from 'node:fs';
import { voxelwiseError } from '@voxelwise/core';
import { sha256Bytes } from '@voxelwise/io';
import { decodeFlac, isFlac } from './flac.js';
import { resample } from './resample.js';
import { decodeWav } from './wav.js';

/** A story's audio, mono, at the model's sampling rate. */
export interface StoryWaveform {
  /** Mono samples at {@link StoryWaveform.sampleRate}. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Rate of the file before resampling. */
  readonly sourceRate: number;
  readonly channels: number;
  readonly encoding: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/** Reads a WAV or FLAC file, mixes it down to mono and resamples it to `sampleRate`. */
export async function loadAudio(file: string, sampleRate: number): Promise<StoryWaveform> {
  let bytes: Uint8Array;
  try {
    bytes = await fsp.readFile(file);
  } catch (cause) {
    throw voxelwiseError({
      code: (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO',
      where: 'features-speech:audio',
      message: `cannot read the audio file ${file}`,
      cause,
      hint: 'Check the story’s audio path in the assembly (voxelwise assembly verify).',
      details: { file },
    });
  }
  const decoded = isFlac(bytes) ? await decodeFlac(bytes, file) : decodeWav(bytes, file);
  return {
    samples: await resample(decoded.samples, decoded.sampleRate, sampleRate),
    sampleRate,
    sourceRate: decoded.sampleRate,
    channels: decoded.channels,
    encoding: decoded.encoding,
    sha256: sha256Bytes(bytes),
  };
}
