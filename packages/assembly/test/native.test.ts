import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryAssembly, memoryStory } from '@voxelwise/core';
import type { Assembly, Story } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  openAssembly,
  readManifest,
  simulateSubject,
  summarizeAssembly,
  summaryHeadline,
  validateAssembly,
  verifyAssemblyFiles,
  writeAssembly,
  writeSimulatedNative,
} from '../src/index.js';
import { expectBitEqual, expectSameAssembly, expectSameStory, tmp } from './helpers.js';

/** A hand-made assembly whose responses hold awkward float32 values (−0, subnormals, extremes). */
function awkwardAssembly(nVoxels = 13): Assembly {
  const special = [-0, 1.401298464324817e-45, -3.4028234663852886e38, 3.4028234663852886e38, 1e-40, Math.fround(Math.PI)];
  const stories: Story[] = ['one', 'two words', 'ünï'].map((name, s) => {
    const nTR = 20 + s;
    const rows = nTR - 3 - 2;
    const data = new Float32Array(rows * nVoxels);
    for (let k = 0; k < data.length; k++) data[k] = special[k % special.length]! * (k % 7 === 0 ? 1 : Math.sin(k + s));
    return memoryStory({
      name,
      words: {
        text: ['Hello', '', 'wörld', 'a "q"'],
        onset: Float64Array.of(0.1, 0.5, 0.9, 1.3),
        offset: Float64Array.of(0.5, 0.9, 1.3, 1.7),
      },
      trTimes: Float64Array.from({ length: nTR }, (_, k) => 0.75 + 1.5 * k + (k === 3 ? 1e-13 : 0)),
      trim: { start: 3, end: 2 },
      responses: { rows, cols: nVoxels, data },
      metadata: {
        files: { words: `/src/${name}.tsv` },
        source: { files: [{ role: 'words', path: `/src/${name}.tsv`, bytes: 1, sha256: 'a'.repeat(64) }] },
      },
    });
  });
  return memoryAssembly({ subject: 'sub-01', tr: 1.5, nVoxels, provenance: { note: 'hand-made' }, extra: { nested: [1, 2] } }, stories, [
    'ünï',
  ]);
}

describe('native Arrow format', () => {
  it('round-trips bit-exactly, whatever the voxel chunk', async () => {
    const a = awkwardAssembly();
    for (const chunk of [1, 4, 13, 100]) {
      const dir = join(tmp(), 'a.vw');
      const res = await writeAssembly(a, dir, { voxelChunk: chunk, hashSources: false });
      expect(res.manifest.voxelChunk).toBe(chunk);
      const b = await openAssembly(dir);
      await expectSameAssembly(b, a);
      for (const [v0, v1] of [
        [0, 13],
        [3, 9],
        [12, 13],
        [5, 5],
      ] as const) {
        for (const n of a.storyNames) await expectSameStory(await b.story(n), await a.story(n), { voxelStart: v0, voxelEnd: v1 });
      }
      expect(b.metadata).toMatchObject({
        subject: 'sub-01',
        tr: 1.5,
        nVoxels: 13,
        extra: { nested: [1, 2] },
        provenance: { note: 'hand-made' },
      });
      expect((await b.story('one')).words.lower).toEqual(['hello', '', 'wörld', 'a "q"']);
      expect(res.manifest.stories.map((s) => s.dir)).toEqual(['stories/one', 'stories/001-two_words', 'stories/002-_n_']);
    }
  });

  it('stores repeats and the ground truth of a simulated subject', async () => {
    const sim = await simulateSubject({ seed: 2, stories: 3, duration: 30, voxels: 9, testRepeats: 3 });
    const dir = join(tmp(), 'sim.vw');
    await writeSimulatedNative(sim, dir, { voxelChunk: 4 });
    const b = await openAssembly(dir);
    await expectSameAssembly(b, sim.assembly);
    const t = await b.story('wheretheressmoke');
    const ref = await sim.assembly.story('wheretheressmoke');
    expect(t.nRepeats).toBe(3);
    for (let r = 0; r < 3; r++)
      expectBitEqual(
        (await t.repeatResponses!(r, { voxelStart: 2, voxelEnd: 7 })).data,
        (await ref.repeatResponses!(r, { voxelStart: 2, voxelEnd: 7 })).data,
      );
    expect(b.manifest.files?.['ground-truth.arrow']?.bytes).toBeGreaterThan(0);
    expect((b.metadata['groundTruth'] as { planted: number[] }).planted).toEqual(Array.from(sim.truth.planted));
    await expectVoxelwiseError(() => t.repeatResponses!(3), 'E_DATA_INVALID', 'repeats 0–2');
    const summary = await summarizeAssembly(b);
    expect(summary.stories.at(-1)).toMatchObject({ name: 'wheretheressmoke', test: true, nRepeats: 3 });
    expect(summary.totals.fileBytes).toBeGreaterThan(summary.totals.responseBytes);
    // What `voxelwise assembly info` prints first: the test stories by name.
    expect(summary.testStories).toEqual(['wheretheressmoke']);
    expect(summaryHeadline(summary)).toMatch(/ · test stories: wheretheressmoke$/);
    expect(summaryHeadline({ ...summary, testStories: [] })).toContain('no test story');
  });

  it('never leaves a half-written directory, and replaces one only with overwrite', async () => {
    const a = awkwardAssembly();
    const base = tmp();
    const dir = join(base, 'x.vw');
    const broken: Assembly = {
      ...a,
      async story(name) {
        const s = await a.story(name);
        if (name !== 'ünï') return s;
        return { ...s, responses: (r) => ((r?.voxelStart ?? 0) >= 8 ? Promise.reject(new Error('disk gone')) : s.responses(r)) };
      },
    };
    await expect(writeAssembly(broken, dir, { voxelChunk: 4 })).rejects.toThrow('disk gone');
    expect(readdirSync(base)).toEqual([]);
    await writeAssembly(a, dir);
    await expectVoxelwiseError(() => writeAssembly(a, dir), 'E_IO', 'x.vw already exists', '--overwrite');
    const ac = new AbortController();
    ac.abort();
    await expectVoxelwiseError(() => writeAssembly(a, dir, { overwrite: true, signal: ac.signal }), 'E_ABORTED');
    expect(readdirSync(base)).toEqual(['x.vw']);
    await writeAssembly(a, dir, { overwrite: true, voxelChunk: 2 });
    expect((await readManifest(dir)).voxelChunk).toBe(2);
    expect(readdirSync(base)).toEqual(['x.vw']);
  });

  it('rejects mismatched voxel counts and misaligned rows before writing', async () => {
    const a = awkwardAssembly();
    const bad: Assembly = { ...a, metadata: { ...a.metadata, nVoxels: 12 } };
    const dir = join(tmp(), 'y.vw');
    await expectVoxelwiseError(() => writeAssembly(bad, dir), 'E_SHAPE_MISMATCH', 'story "one" has 13 voxels but the assembly has 12');
    const short: Assembly = {
      ...a,
      async story(name) {
        const s = await a.story(name);
        return { ...s, responses: async (r) => ({ ...(await s.responses(r)), rows: s.nResponseRows - 1 }) };
      },
    };
    await expectVoxelwiseError(
      () => writeAssembly(short, dir),
      'E_ALIGNMENT',
      'story "one": responses for voxels 0–12 have 14 × 13 values',
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('names a missing or damaged directory, manifest or file', async () => {
    const dir = join(tmp(), 'z.vw');
    await expectVoxelwiseError(() => openAssembly(dir), 'E_FILE_NOT_FOUND', 'is not a voxelwise assembly (no assembly.json)');
    await writeAssembly(awkwardAssembly(), dir, { voxelChunk: 5 });
    const m = JSON.parse(readFileSync(join(dir, 'assembly.json'), 'utf8'));
    writeFileSync(join(dir, 'assembly.json'), JSON.stringify({ ...m, tr: 2.5 }));
    await expectVoxelwiseError(() => openAssembly(dir), 'E_FILE_FORMAT', 'assembly.json changed since it was written');
    writeFileSync(join(dir, 'assembly.json'), JSON.stringify({ ...m, version: 99, checksum: undefined }));
    await expectVoxelwiseError(() => openAssembly(dir), 'E_FILE_FORMAT', 'not a valid manifest', 'version');
    writeFileSync(join(dir, 'assembly.json'), '{"format": "voxelwise-assembly",');
    await expectVoxelwiseError(() => openAssembly(dir), 'E_FILE_FORMAT', 'is not valid JSON');
    writeFileSync(join(dir, 'assembly.json'), JSON.stringify(m));
    const a = await openAssembly(dir);
    await expectVoxelwiseError(() => a.story('three'), 'E_DATA_INVALID', 'no story "three"');
    const s = await a.story('one');
    await expectVoxelwiseError(
      () => s.responses({ voxelStart: 4, voxelEnd: 14 }),
      'E_DATA_INVALID',
      'voxel range [4, 14) is outside [0, 13)',
    );
    // Flip one byte of a responses file: verify names it; a truncated file cannot be read.
    const file = join(dir, m.stories[0].files.responses.path);
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(file, bytes);
    const issues = await verifyAssemblyFiles(a.dir, a.manifest);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('responses.arrow changed since it was written (story "one")');
    writeFileSync(file, bytes.subarray(0, 100));
    await expectVoxelwiseError(() => s.responses(), 'E_FILE_FORMAT', 'responses.arrow');
    mkdirSync(join(dir, 'empty'));
    await expectVoxelwiseError(() => openAssembly(join(dir, 'empty')), 'E_FILE_NOT_FOUND');
  });

  it('validates: all issues of a damaged assembly at once', async () => {
    const good = awkwardAssembly();
    const nanStory = memoryStory({
      name: 'nan',
      words: { text: ['b', 'a'], onset: Float64Array.of(2, 1), offset: Float64Array.of(2.5, 1.5) },
      trTimes: Float64Array.from({ length: 10 }, (_, k) => 1 + 2 * k),
      trim: { start: 0, end: 0 },
      responses: { rows: 10, cols: 13, data: Float32Array.from({ length: 130 }, (_, k) => (k === 27 ? Number.NaN : k % 13 === 5 ? 2 : k)) },
    });
    const a = memoryAssembly(good.metadata, [await good.story('one'), nanStory], []);
    const report = await validateAssembly(a, { voxelChunk: 4 });
    expect(report.ok).toBe(false);
    const msgs = report.issues.map((i) => `${i.severity} ${i.code} ${i.message}`);
    expect(msgs).toEqual([
      'error E_DATA_INVALID story "nan": words are out of order: word 2 "a" starts at 1 s, before word 1 "b" at 2 s. Sort the words by onset',
      'error E_NOT_FINITE story "nan": 1 voxels hold NaN or Inf responses (voxels 1). Mask them out, or import with nonFinite "zero" (--zero-nonfinite) to set them to 0',
      'warning E_DATA_INVALID story "nan": 1 voxels are constant (voxels 5); they will score 0',
    ]);
  });
});
