import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { MANIFEST_FILE, openAssembly, readManifest, simulateSubject, writeSimulatedNative } from '../src/index.js';
import { tmp } from './helpers.js';

/** A simulated assembly with several voxel blocks per responses file. */
async function written(): Promise<{ dir: string; story: string; responses: string }> {
  const sim = await simulateSubject({ seed: 5, stories: 2, duration: 60, voxels: 24, testRepeats: 2 });
  const dir = join(tmp(), 'sim.vw');
  await writeSimulatedNative(sim, dir, { voxelChunk: 8 });
  const m = await readManifest(dir);
  const e = m.stories[0]!;
  return { dir, story: e.name, responses: join(dir, e.files.responses.path) };
}

/** Flips one bit of the float32 value at row `row`, voxel `voxel` (block layout: batches of `chunk` voxels, row-major inside). */
function flipValue(file: string, find: Float32Array, index: number): void {
  const bytes = readFileSync(file);
  // Locate the block's values in the file by their bytes (unique for simulated noise).
  const needle = Buffer.from(find.buffer, find.byteOffset, find.byteLength);
  const at = bytes.indexOf(needle);
  expect(at).toBeGreaterThan(0);
  bytes[at + index * 4 + 1]! ^= 0x10;
  writeFileSync(file, bytes);
}

describe('integrity of an Arrow assembly as it is read', () => {
  it('records a SHA-256 per record batch, and refuses a flipped byte in a response block, naming file and block', async () => {
    const { dir, story, responses } = await written();
    const m = await readManifest(dir);
    expect(m.stories[0]!.files.responses.blocks).toHaveLength(3);
    const before = await (await (await openAssembly(dir)).story(story)).responses({ voxelStart: 8, voxelEnd: 16 });
    flipValue(responses, before.data, 5);
    const a = await openAssembly(dir);
    const s = await a.story(story);
    // Blocks 0 and 2 are intact and still read.
    await s.responses({ voxelStart: 0, voxelEnd: 8 });
    await expectVoxelwiseError(
      () => s.responses({ voxelStart: 10, voxelEnd: 12 }),
      'E_FILE_FORMAT',
      responses,
      'record batch 1 changed since it was written',
    );
    await expectVoxelwiseError(() => s.responses(), 'E_FILE_FORMAT', 'record batch 1');
    // Without verification the changed number goes through: the check is what stops it.
    const unchecked = await (await (await openAssembly(dir, { verify: false })).story(story)).responses({ voxelStart: 8, voxelEnd: 16 });
    expect(unchecked.data[5]).not.toBe(before.data[5]);
  });

  it('refuses a changed words.arrow or trs.arrow', async () => {
    const { dir, story } = await written();
    const m = await readManifest(dir);
    const e = m.stories[0]!;
    const wf = join(dir, e.files.words.path);
    const b = readFileSync(wf);
    const at = b.indexOf(Buffer.from('lower')) + 200;
    b[Math.min(at, b.length - 20)]! ^= 0x01;
    writeFileSync(wf, b);
    await expectVoxelwiseError(async () => (await openAssembly(dir)).story(story), 'E_FILE_FORMAT', wf, 'changed since it was written');
    const e2 = m.stories[1]!;
    const tf = join(dir, e2.files.trs.path);
    const t = readFileSync(tf);
    writeFileSync(tf, t.subarray(0, t.length - 1));
    await expectVoxelwiseError(async () => (await openAssembly(dir)).story(e2.name), 'E_FILE_FORMAT', tf, 'changed since it was written');
  });

  it('checks an assembly written without per-batch digests against its file SHA-256, once', async () => {
    const { dir, story, responses } = await written();
    const mf = join(dir, MANIFEST_FILE);
    // As written before per-batch digests and the manifest checksum existed.
    const json = JSON.parse(readFileSync(mf, 'utf8')) as {
      checksum?: string;
      stories: Array<{ files: Record<string, { blocks?: unknown }> }>;
    };
    for (const s of json.stories) for (const f of Object.values(s.files)) delete f.blocks;
    delete json.checksum;
    writeFileSync(mf, JSON.stringify(json));
    const first = await (await (await openAssembly(dir)).story(story)).responses({ voxelStart: 0, voxelEnd: 8 });
    flipValue(responses, first.data, 3);
    const s = await (await openAssembly(dir)).story(story);
    await expectVoxelwiseError(
      () => s.responses({ voxelStart: 16, voxelEnd: 24 }),
      'E_FILE_FORMAT',
      responses,
      'changed since it was written',
    );
  });
});
