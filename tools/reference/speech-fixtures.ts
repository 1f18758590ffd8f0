/**
 * Regenerates the known-answer fixtures of @voxelwise/features-speech from the Python reference
 * (never part of the product):
 *
 *   node --conditions=@voxelwise/source --import tsx tools/reference/speech-fixtures.ts
 *
 * - test/fixtures/tones.wav: 1.7 s of tones, stereo 16-bit PCM at 16 kHz (the channels differ,
 *   so the mix-down is exercised).
 * - test/fixtures/tones.flac: the first 0.5 s of tones.wav encoded by Debian's `flac` (libFLAC),
 *   so the FLAC reader is checked against the lossless original.
 * - test/fixtures/windows.json: LITcoder's windows (speech_forward.py `litcoder_windows`, a
 *   transcription of `SpeechFeatureExtractor.extract_all_layers`) for awkward rates, chunks,
 *   contexts and lengths (floating-point products, stories shorter than one context, exact fits).
 * - test/fixtures/forward.json: per-layer pooled hidden states of the tiny Whisper encoder and the
 *   tiny wav2vec 2.0 from speech_forward.py (float64 numpy, weights read from the ONNX files,
 *   LITcoder's windows), for both pools and both Whisper frame rules.
 * - test/fixtures/forward-hop.json: the same with a readout hop of 2 and 3 windows per encoder pass
 *   (speech_forward.py's `hop` argument: earlier windows of a pass read out of its frames).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTinyWav2vec2, createTinyWhisperEncoder, encodeWav } from '@voxelwise/features-speech';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', '..', 'packages', 'features-speech', 'test', 'fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'speech-fixtures-'));

/** The tiny models and windows every fixture uses. */
const MODELS = { whisper: { seed: 3, layers: 2, dModel: 32, heads: 4 }, wav2vec2: { seed: 5, layers: 2, dModel: 32, heads: 4 } } as const;
const WINDOWS = { chunkSize: 0.2, contextSize: 1 } as const;

function tone(seconds: number, rate: number, freqs: number[], phase: number): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    let v = 0;
    freqs.forEach((f, k) => (v += (0.5 + 0.5 * Math.sin(2 * Math.PI * (0.7 + k) * t + phase)) * Math.sin(2 * Math.PI * f * t)));
    x[i] = (0.6 * v) / freqs.length;
  }
  return x;
}

const wav = path.join(out, 'tones.wav');
writeFileSync(wav, encodeWav([tone(1.7, 16000, [220, 660, 1800], 0), tone(1.7, 16000, [330, 990], 1)], 16000, 'pcm16'));
execFileSync('flac', ['--silent', '--force', '--until=8000', '-o', path.join(out, 'tones.flac'), wav]);
const dirs = { whisper: path.join(tmp, 'whisper'), wav2vec2: path.join(tmp, 'wav2vec2') };
await createTinyWhisperEncoder(dirs.whisper, MODELS.whisper);
await createTinyWav2vec2(dirs.wav2vec2, MODELS.wav2vec2);
type Input = 'padded' | 'trimmed';
const cases: Array<{
  model: 'whisper' | 'wav2vec2';
  pool: 'last' | 'mean';
  frames: 'real' | 'padded';
  input: Input;
  times: number[];
  layers: number[][][];
}> = [];
const variants = (model: 'whisper' | 'wav2vec2'): Array<['real' | 'padded', Input]> =>
  model === 'whisper'
    ? [
        ['real', 'padded'],
        ['padded', 'padded'],
        ['real', 'trimmed'],
      ]
    : [['real', 'padded']];
for (const model of ['whisper', 'wav2vec2'] as const) {
  for (const pool of ['last', 'mean'] as const) {
    for (const [frames, input] of variants(model)) {
      const script = path.join(here, 'speech_forward.py');
      const args = [script, dirs[model], wav, String(WINDOWS.chunkSize), String(WINDOWS.contextSize), pool, frames, input];
      const res = JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 28 })) as {
        times: number[];
        layers: number[][][];
      };
      cases.push({ model, pool, frames, input, ...res });
    }
  }
}
const HOPS = [0.4, 0.6] as const;
const hopCases: Array<(typeof cases)[number] & { hop: number }> = [];
for (const hop of HOPS) {
  for (const model of ['whisper', 'wav2vec2'] as const) {
    for (const pool of ['last', 'mean'] as const) {
      for (const input of model === 'whisper' ? (['padded', 'trimmed'] as const) : (['padded'] as const)) {
        const script = path.join(here, 'speech_forward.py');
        const args = [script, dirs[model], wav, String(WINDOWS.chunkSize), String(WINDOWS.contextSize), pool, 'real', input, String(hop)];
        const res = JSON.parse(execFileSync('python3', args, { encoding: 'utf8', maxBuffer: 1 << 28 })) as {
          times: number[];
          layers: number[][][];
        };
        hopCases.push({ model, pool, frames: 'real', input, hop, ...res });
      }
    }
  }
}
const windowCases: Array<[number, number, number, number]> = [
  [16000 * 600, 16000, 0.1, 16],
  [16000 * 16, 16000, 0.1, 16],
  [16000 * 16 - 1, 16000, 0.1, 16],
  [22050 * 37 + 11, 22050, 0.3, 2.7],
  [44100 * 13, 44100, 0.05, 1.3],
  [16000 * 9 + 5, 16000, 0.7, 3.3],
  [8000 * 20, 8000, 0.01, 0.1],
  [16000 * 5, 16000, 1.1, 0.35],
];
const windowCode = `import json, sys, importlib.util
spec = importlib.util.spec_from_file_location("ref", sys.argv[1]); ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
print(json.dumps([[list(w) for w in ref.litcoder_windows(*c)] for c in json.loads(sys.argv[2])]))`;
const windowsOut = JSON.parse(
  execFileSync('python3', ['-c', windowCode, path.join(here, 'speech_forward.py'), JSON.stringify(windowCases)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  }),
) as Array<Array<[number, number, number]>>;
writeFileSync(
  path.join(out, 'windows.json'),
  `${JSON.stringify(windowCases.map(([total, sr, chunk, context], i) => ({ total, sr, chunk, context, windows: windowsOut[i] })))}\n`,
);
writeFileSync(path.join(out, 'forward.json'), `${JSON.stringify({ models: MODELS, windows: WINDOWS, cases })}\n`);
writeFileSync(path.join(out, 'forward-hop.json'), `${JSON.stringify({ models: MODELS, windows: WINDOWS, cases: hopCases })}\n`);
rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${cases.length} + ${hopCases.length} cases to ${out}`);
