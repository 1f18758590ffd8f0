import { voxelwiseError } from '@voxelwise/core';

/** Decoded audio: every channel mixed down to one, float32 in [-1, 1]. */
export interface DecodedAudio {
  /** Samples per second of the file. */
  readonly sampleRate: number;
  /** Channels in the file (before the mix-down). */
  readonly channels: number;
  /** The mono signal: the mean of the channels, frame by frame. */
  readonly samples: Float32Array;
  /** Sample encoding of the file, e.g. `pcm16`, `float32`, `flac24`. */
  readonly encoding: string;
}

const PCM = 1;
const FLOAT = 3;
const EXTENSIBLE = 0xfffe;

function bad(
  file: string,
  message: string,
  hint = 'Convert the file to 16-bit PCM WAV (e.g. ffmpeg -i in -c:a pcm_s16le out.wav).',
): Error {
  return voxelwiseError({ code: 'E_FILE_FORMAT', where: 'features-speech:audio', message: `${file}: ${message}`, hint, details: { file } });
}

/**
 * Reads a RIFF/WAVE file: PCM 8/16/24/32-bit, IEEE float 32/64, plain or `WAVE_FORMAT_EXTENSIBLE`.
 * Integers are scaled as torchaudio's `load` does (divided by 2^(bits−1); 8-bit is unsigned around
 * 128), and channels are averaged, as LITcoder's `SpeechFeatureExtractor._load_and_resample`
 * does (`wav.mean(0)`); the mean is taken in float64.
 */
export function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw bad(file, 'not a RIFF/WAVE file');
  let format: { code: number; channels: number; rate: number; bits: number; align: number } | undefined;
  let data: Uint8Array | undefined;
  for (let at = 12; at + 8 <= bytes.byteLength;) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) throw bad(file, `fmt chunk of ${size} bytes (expected at least 16)`);
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 40) code = view.getUint16(body + 24, true);
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        align: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      // A truncated file (size past the end) keeps the whole frames it has.
      data = bytes.subarray(body, Math.min(body + size, bytes.byteLength));
    }
    at = body + size + (size % 2);
  }
  if (!format) throw bad(file, 'no fmt chunk');
  if (!data) throw bad(file, 'no data chunk');
  const { code, channels, rate, bits, align } = format;
  if (channels < 1 || rate < 1) throw bad(file, `${channels} channels at ${rate} Hz`);
  const width = bits / 8;
  const supported = (code === PCM && [8, 16, 24, 32].includes(bits)) || (code === FLOAT && (bits === 32 || bits === 64));
  if (!supported || align !== width * channels) {
    throw bad(file, `unsupported sample format (format code ${code}, ${bits} bits, block align ${align})`);
  }
  const frames = Math.floor(data.byteLength / align);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read: (at: number) => number =
    code === FLOAT
      ? bits === 32
        ? (at) => dv.getFloat32(at, true)
        : (at) => dv.getFloat64(at, true)
      : bits === 8
        ? (at) => (dv.getUint8(at) - 128) / 128
        : bits === 16
          ? (at) => dv.getInt16(at, true) / 32768
          : bits === 24
            ? (at) => (((dv.getUint8(at + 2) << 24) | (dv.getUint8(at + 1) << 16) | (dv.getUint8(at) << 8)) >> 8) / 8388608
            : (at) => dv.getInt32(at, true) / 2147483648;
  const samples = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(f * align + c * width);
    samples[f] = sum / channels;
  }
  return { sampleRate: rate, channels, samples, encoding: `${code === FLOAT ? 'float' : 'pcm'}${bits}` };
}

/** Writes mono or interleaved PCM 16-bit / float 32-bit WAV bytes (test fixtures, generated stories). */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  encoding: 'pcm16' | 'pcm24' | 'float32' = 'pcm16',
): Uint8Array {
  const n = channels[0]?.length ?? 0;
  const width = encoding === 'pcm16' ? 2 : encoding === 'pcm24' ? 3 : 4;
  const align = width * channels.length;
  const out = new Uint8Array(44 + n * align);
  const v = new DataView(out.buffer);
  const str = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  str(0, 'RIFF');
  v.setUint32(4, 36 + n * align, true);
  str(8, 'WAVE');
  str(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, encoding === 'float32' ? FLOAT : PCM, true);
  v.setUint16(22, channels.length, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * align, true);
  v.setUint16(32, align, true);
  v.setUint16(34, width * 8, true);
  str(36, 'data');
  v.setUint32(40, n * align, true);
  for (let f = 0; f < n; f++) {
    channels.forEach((ch, c) => {
      const at = 44 + f * align + c * width;
      const x = Math.max(-1, Math.min(1, ch[f]!));
      if (encoding === 'float32') v.setFloat32(at, ch[f]!, true);
      else if (encoding === 'pcm16') v.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(x * 32768))), true);
      else {
        const q = Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
        v.setUint8(at, q & 0xff);
        v.setUint8(at + 1, (q >> 8) & 0xff);
        v.setUint8(at + 2, (q >> 16) & 0xff);
      }
    });
  }
  return out;
}
