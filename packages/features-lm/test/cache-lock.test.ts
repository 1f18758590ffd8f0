import { existsSync, readdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '@voxelwise/io';
import { createLmExtractor, createTinyGpt2, lmCacheDir, lmOptionsSchema, openLmModel, releaseLmModel } from '../src/index.js';
import type { TinyGpt2Model } from '../src/index.js';
import { computations, recordingContext, tempDir, wordStory } from './helpers.js';

const WORDS = 'a lock keeps two nodes from computing the same story twice'.split(' ');

describe('the feature cache lock', () => {
  let model: TinyGpt2Model;
  let root: string;
  beforeAll(async () => {
    root = tempDir();
    model = await createTinyGpt2(path.join(root, 'tiny'), { seed: 5, layers: 2, dModel: 16, heads: 2, positions: 64 });
    const held = await openLmModel({ model: model.dir, cacheDir: root });
    return () => releaseLmModel(held);
  });

  const extractor = () => createLmExtractor(lmOptionsSchema.parse({ model: model.dir, layer: 1, lookback: 6 }));

  it('waits while another process holds an entry, then reads what that process wrote instead of computing it again', async () => {
    const cacheDir = path.join(root, 'shared');
    const first = recordingContext(cacheDir);
    const reference = await extractor().extract(wordStory('story-a', WORDS), first.ctx);
    const file = readdirSync(lmCacheDir(cacheDir)).find((f) => f.endsWith('.arrow'))!;
    const entry = path.join(lmCacheDir(cacheDir), file);
    const lockFile = path.join(lmCacheDir(cacheDir), file.replace(/\.arrow$/, '.lock'));
    // Another node "is computing" the entry: it holds the lock and the file is not there yet.
    renameSync(entry, `${entry}.elsewhere`);
    const other = await acquireLock(lockFile);
    const { ctx, events } = recordingContext(cacheDir);
    const pending = extractor().extract(wordStory('story-a', WORDS), ctx);
    while (!events.some((e) => e.type === 'log' && /waiting for pid \d+/.test(e.message))) await new Promise((r) => setTimeout(r, 20));
    renameSync(`${entry}.elsewhere`, entry);
    await other.release();
    const got = await pending;
    expect(computations(events)).toBe(0);
    expect(Array.from(got.data.data)).toEqual(Array.from(reference.data.data));
    expect(existsSync(lockFile)).toBe(false);
  }, 30_000);

  it('leaves no lock behind after computing an entry', async () => {
    const cacheDir = path.join(root, 'fresh');
    const { ctx, events } = recordingContext(cacheDir);
    await extractor().extract(wordStory('story-b', WORDS), ctx);
    expect(computations(events)).toBe(1);
    expect(readdirSync(lmCacheDir(cacheDir)).filter((f) => !f.endsWith('.arrow'))).toEqual([]);
  });
});
