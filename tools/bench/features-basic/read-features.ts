/**
 * Read-speed benchmark of @voxelwise/features-basic against a NumPy reference run in the same
 * script on the same files. Prints medians and ratios (voxelwise / reference; < 1 is faster).
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/features-basic/read-features.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as A from 'apache-arrow';
import h5wasm from 'h5wasm/node';
import { createContext, memoryStory } from '@voxelwise/core';
import { createPrecomputedExtractor, embedWords, loadWord2Vec } from '@voxelwise/features-basic';
import { PYTHON, inheritedOverrides, loadLine, peerEnv, peerKernel } from '../peers.js';

const ROWS = 5000;
const COLS = 768;
const VOCAB_BIN = 50_000;
const VOCAB_TXT = 20_000;
const DIMS = 300;
const REPS = 5;

const dir = mkdtempSync(join(tmpdir(), 'vw-bench-fb-'));
const ctx = createContext();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function time(fn: () => unknown, reps = REPS): Promise<number> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

// A deterministic matrix (no RNG needed: values only have to be finite and varied).
const feats = new Float32Array(ROWS * COLS);
for (let k = 0; k < feats.length; k++) feats[k] = Math.sin(k * 0.001) * 3;

function npyBytes(data: Float32Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 11, ' ') + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

for (const sub of ['npy', 'arrow', 'hdf5']) execFileSync('mkdir', ['-p', join(dir, sub)]);
writeFileSync(join(dir, 'npy', 'story.npy'), npyBytes(feats, ROWS, COLS));
{
  const child = A.makeData({ type: new A.Float32(), length: feats.length, data: feats });
  const list = A.makeData({
    type: new A.FixedSizeList(COLS, new A.Field('item', new A.Float32(), false)),
    length: ROWS,
    nullCount: 0,
    child,
  });
  writeFileSync(join(dir, 'arrow', 'story.arrow'), A.tableToIPC(new A.Table({ features: A.makeVector(list) }), 'file'));
}
{
  await h5wasm.ready;
  const f = new h5wasm.File(join(dir, 'hdf5', 'story.h5'), 'w');
  f.create_dataset({ name: 'data', data: feats, shape: [ROWS, COLS], dtype: '<f' });
  f.close();
}
const words = Array.from({ length: VOCAB_BIN }, (_, i) => `w${i}`);
const vec = (i: number, k: number) => Math.fround(Math.cos(i * 0.37 + k) * 0.5);
{
  const parts: Buffer[] = [Buffer.from(`${VOCAB_BIN} ${DIMS}\n`)];
  for (let i = 0; i < VOCAB_BIN; i++) {
    const b = Buffer.alloc(4 * DIMS);
    for (let k = 0; k < DIMS; k++) b.writeFloatLE(vec(i, k), 4 * k);
    parts.push(Buffer.from(`${words[i]} `), b, Buffer.from('\n'));
  }
  writeFileSync(join(dir, 'vectors.bin'), Buffer.concat(parts));
  const lines = [`${VOCAB_TXT} ${DIMS}`];
  for (let i = 0; i < VOCAB_TXT; i++) lines.push(`${words[i]} ${Array.from({ length: DIMS }, (_, k) => vec(i, k).toFixed(6)).join(' ')}`);
  writeFileSync(join(dir, 'vectors.txt'), `${lines.join('\n')}\n`);
}

const text = Array.from({ length: ROWS }, (_, i) => (i % 50 === 0 ? '' : `w${(i * 7919) % (VOCAB_BIN + 500)}`));
const t = Float64Array.from(text, (_, i) => 0.3 * i);
const nTR = Math.ceil((0.3 * ROWS) / 2) + 1;
const story = memoryStory({
  name: 'story',
  words: { text, onset: t, offset: t },
  trTimes: Float64Array.from({ length: nTR }, (_, k) => 2 * k + 1),
  trim: { start: 0, end: 0 },
  responses: { rows: nTR, cols: 1, data: new Float32Array(nTR) },
});

const ours: Record<string, number> = {};
for (const format of ['npy', 'arrow', 'hdf5'] as const) {
  const ex = await createPrecomputedExtractor({ dir: join(dir, format), level: 'word', dataset: 'data' });
  ours[`precomputed ${format} ${ROWS}×${COLS}`] = await time(() => ex.extract(story, ctx));
}
ours[`word2vec binary ${VOCAB_BIN}×${DIMS}`] = await time(() => loadWord2Vec(join(dir, 'vectors.bin'), { binary: true }), 3);
ours[`word2vec text ${VOCAB_TXT}×${DIMS}`] = await time(() => loadWord2Vec(join(dir, 'vectors.txt'), { binary: false }), 3);
const table = await loadWord2Vec(join(dir, 'vectors.bin'), { binary: true });
ours[`embed ${ROWS} words`] = await time(() => embedWords(text, table, { oov: 'zero' }), 20);

// NumPy reference: the same operations the way gensim / numpy users do them.
const py = `
import numpy as np, time, sys, json
d = sys.argv[1]
def med(f, reps):
    f(); ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2]
def npy():
    x = np.load(d + '/npy/story.npy'); assert np.isfinite(x).all()
def w2v_bin():
    with open(d + '/vectors.bin', 'rb') as f:
        n, dims = map(int, f.readline().split()); vocab = {}; vecs = np.empty((n, dims), np.float32)
        for i in range(n):
            w = b''
            while True:
                c = f.read(1)
                if c == b' ': break
                if c != b'\\n': w += c
            vocab.setdefault(w.decode(), i); vecs[i] = np.frombuffer(f.read(4 * dims), np.float32)
def w2v_txt():
    with open(d + '/vectors.txt', encoding='utf-8') as f:
        n, dims = map(int, f.readline().split()); vocab = {}; vecs = np.empty((n, dims), np.float32)
        for i in range(n):
            parts = f.readline().rstrip().split(' ')
            vocab.setdefault(parts[0], i); vecs[i] = np.asarray(parts[1:], dtype=np.float32)
n_rows = ${ROWS}
words = ['' if i % 50 == 0 else 'w%d' % ((i * 7919) % (${VOCAB_BIN} + 500)) for i in range(n_rows)]
V = np.random.default_rng(0).standard_normal((${VOCAB_BIN}, ${DIMS})).astype(np.float32)
index = {'w%d' % i: i for i in range(${VOCAB_BIN})}
def embed():
    idx = np.array([index.get(w, -1) for w in words]); out = V[np.maximum(idx, 0)]; out[idx < 0] = 0
print(json.dumps({'npy': med(npy, ${REPS}), 'w2v_bin': med(w2v_bin, 3), 'w2v_txt': med(w2v_txt, 3), 'embed': med(embed, 20)}))
`;
console.log(`machine: ${loadLine()}; inherited BLAS kernel overrides: ${inheritedOverrides()}; numpy peer: ${peerKernel(2)}`);
const ref = JSON.parse(execFileSync(PYTHON, ['-c', py, dir], { encoding: 'utf8', env: peerEnv(2) })) as Record<string, number>;
console.log(`numpy peer done (${loadLine()})`);
const refFor: Record<string, number | undefined> = {
  [`precomputed npy ${ROWS}×${COLS}`]: ref['npy'],
  [`precomputed arrow ${ROWS}×${COLS}`]: ref['npy'],
  [`precomputed hdf5 ${ROWS}×${COLS}`]: ref['npy'],
  [`word2vec binary ${VOCAB_BIN}×${DIMS}`]: ref['w2v_bin'],
  [`word2vec text ${VOCAB_TXT}×${DIMS}`]: ref['w2v_txt'],
  [`embed ${ROWS} words`]: ref['embed'],
};
const refName: Record<string, string> = {
  npy: 'np.load + isfinite',
  arrow: 'np.load (.npy) + isfinite',
  hdf5: 'np.load (.npy) + isfinite',
  binary: 'Python per-vector loop (np.frombuffer)',
  text: 'Python line split + np.asarray',
  embed: 'dict lookup + numpy fancy indexing',
};
process.stdout.write(`features-basic read benchmark (median ms; ratio = voxelwise / reference)\n`);
for (const [name, ms] of Object.entries(ours)) {
  const r = refFor[name];
  const which = Object.entries(refName).find(([k]) => name.includes(k))?.[1] ?? '';
  process.stdout.write(
    `${name.padEnd(34)} ${ms.toFixed(1).padStart(9)} ms   ref ${r === undefined ? '–' : r.toFixed(1).padStart(8)} ms   ratio ${r === undefined ? '–' : (ms / r).toFixed(2).padStart(6)}   (${which})\n`,
  );
}
rmSync(dir, { recursive: true, force: true });
