import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVoxelwiseError } from '@voxelwise/core';
import { createFeatureCache, featureCacheKey, featureChecksum } from '../src/index.js';
import type { FeatureCacheMetadata } from '../src/index.js';

interface Parts {
  readonly format: number;
  readonly story: string;
  readonly seed: number;
}

interface Meta extends FeatureCacheMetadata<Parts> {
  readonly nRows: number;
  readonly checksums: readonly string[];
}

// A plugin-shaped cache: one float32 feature column per layer plus a float64 `time` column.
const cache = createFeatureCache<Meta, { readonly data: Float32Array; readonly times: Float64Array | undefined }>({
  folder: 'features-test',
  metaKey: 'voxelwise:features-test',
  where: 'onnx-tools:test',
  staleReason: 'its metadata does not match',
  decodeLayer(batch, meta, layer) {
    if (!batch) throw new Error(`layer ${layer} is missing`);
    const data = batch.features?.subarray(0, meta.nRows * meta.dModel);
    if (!data || data.length !== meta.nRows * meta.dModel) throw new Error(`layer ${layer} has the wrong shape`);
    if (featureChecksum(data) !== meta.checksums[layer]) throw new Error(`layer ${layer} fails its checksum`);
    return { data, times: batch.columns[0]?.subarray(0, meta.nRows) };
  },
});

const nRows = 3;
const dModel = 2;

async function put(root: string, story: string, label: string, seed = 1): Promise<{ key: string; parts: Parts; layers: Float32Array[] }> {
  const parts: Parts = { format: 1, story, seed };
  const key = featureCacheKey(parts);
  const layers = [0, 1, 2].map((l) => Float32Array.from({ length: nRows * dModel }, (_, i) => seed * 100 + l * 10 + i));
  const meta: Meta = {
    key,
    parts,
    story,
    nRows,
    nLayers: layers.length,
    dModel,
    model: { label, architecture: 'test' },
    checksums: layers.map(featureChecksum),
  };
  await cache.write(root, meta, layers, nRows, [{ name: 'time', values: Float64Array.from([0.5, 1, 1.5]) }]);
  return { key, parts, layers };
}

let root: string;
beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(tmpdir(), 'vw-feature-cache-'));
});
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

describe('createFeatureCache', () => {
  it('keys parts by the SHA-256 of their canonical JSON, whatever the property order', () => {
    expect(featureCacheKey({ b: 1, a: [2, 'x'] })).toBe(featureCacheKey({ a: [2, 'x'], b: 1 }));
    expect(featureCacheKey({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
    expect(featureCacheKey({ a: 1 })).not.toBe(featureCacheKey({ a: 2 }));
  });

  it('writes <root>/<folder>/<key>.arrow and reads any one layer back with its extra column', async () => {
    const { key, parts, layers } = await put(root, 's1', 'gpt2');
    expect(cache.file(root, key)).toBe(path.join(root, 'features-test', `${key}.arrow`));
    await expect(fsp.stat(cache.file(root, key))).resolves.toBeTruthy();
    const r = await cache.readLayer(root, key, parts, 2);
    expect(r.status).toBe('hit');
    if (r.status !== 'hit') return;
    expect(Array.from(r.data)).toEqual(Array.from(layers[2]!));
    expect(Array.from(r.times ?? [])).toEqual([0.5, 1, 1.5]);
    expect(r.metadata).toMatchObject({ story: 's1', nLayers: 3, dModel, model: { label: 'gpt2' } });
  });

  it('tells a miss, a stale request and an out-of-range layer apart', async () => {
    const { key, parts } = await put(root, 's1', 'gpt2');
    expect((await cache.readLayer(root, featureCacheKey({ other: 1 }), parts, 0)).status).toBe('miss');
    expect(await cache.readLayer(root, key, { ...parts, seed: 9 }, 0)).toMatchObject({
      status: 'stale',
      reason: 'its metadata does not match',
    });
    expect(await cache.readLayer(root, key, parts, 3)).toMatchObject({ status: 'stale', reason: 'it has layers 0..2' });
  });

  it('lists every file with its metadata, sorted, and ignores a temp file left by a crashed write', async () => {
    const a = await put(root, 's1', 'gpt2');
    const b = await put(root, 's2', 'opt', 2);
    await fsp.writeFile(path.join(cache.dir(root), `.${a.key}.arrow.tmp-123-0badf00d`), 'half a file');
    const entries = await cache.list(root);
    expect(entries.map((e) => e.file)).toEqual([cache.file(root, a.key), cache.file(root, b.key)].sort());
    expect(entries.map((e) => e.metadata?.story).sort()).toEqual(['s1', 's2']);
    expect(entries.every((e) => e.error === undefined && e.bytes > 0)).toBe(true);
    expect((await cache.verify(root)).every((e) => e.ok)).toBe(true);
    expect((await cache.readLayer(root, a.key, a.parts, 0)).status).toBe('hit');
  });

  it('lists nothing for a cache folder that does not exist yet', async () => {
    expect(await cache.list(path.join(root, 'none'))).toEqual([]);
    expect(await cache.clear(path.join(root, 'none'))).toEqual({ files: 0, bytes: 0 });
  });

  it('fails verification of a file whose layer bytes were changed, and reads it as corrupt', async () => {
    const { key, parts, layers } = await put(root, 's1', 'gpt2');
    const file = cache.file(root, key);
    const bytes = await fsp.readFile(file);
    // Flip one stored float of layer 1 in place: the file still parses, only the checksum can tell.
    const needle = Buffer.from(layers[1]!.buffer);
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    bytes.writeFloatLE(-1, at);
    await fsp.writeFile(file, bytes);
    const [entry] = await cache.verify(root);
    expect(entry).toMatchObject({ ok: false, error: 'layer 1 fails its checksum' });
    expect(await cache.readLayer(root, key, parts, 1)).toMatchObject({ status: 'corrupt', reason: 'layer 1 fails its checksum' });
    expect((await cache.readLayer(root, key, parts, 0)).status).toBe('hit');
  });

  it('fails verification of a file that is not Arrow, or renamed away from its key', async () => {
    const { key } = await put(root, 's1', 'gpt2');
    await fsp.rename(cache.file(root, key), cache.file(root, 'f'.repeat(64)));
    await fsp.writeFile(path.join(cache.dir(root), 'junk.arrow'), 'not arrow');
    const out = await cache.verify(root);
    expect(out.map((e) => e.ok)).toEqual([false, false]);
    expect(out[0]!.error).toBe('its name, key and metadata disagree');
    expect(out[1]!.metadata).toBeUndefined();
  });

  it('clears by model, by story and invalid-only, and removes only temp files older than 10 minutes', async () => {
    const a = await put(root, 's1', 'gpt2');
    await put(root, 's2', 'gpt2', 2);
    const c = await put(root, 's1', 'opt', 3);
    await fsp.writeFile(path.join(cache.dir(root), 'junk.arrow'), 'not arrow');
    const fresh = path.join(cache.dir(root), `.${a.key}.arrow.tmp-1-00000001`);
    const old = path.join(cache.dir(root), `.${a.key}.arrow.tmp-2-00000002`);
    await fsp.writeFile(fresh, 'x');
    await fsp.writeFile(old, 'y');
    const hourAgo = new Date(Date.now() - 60 * 60_000);
    await fsp.utimes(old, hourAgo, hourAgo);

    expect((await cache.clear(root, { invalidOnly: true })).files).toBe(1);
    expect((await cache.clear(root, { model: 'opt' })).files).toBe(1);
    expect((await cache.readLayer(root, c.key, c.parts, 0)).status).toBe('miss');
    expect((await cache.clear(root, { story: 's2' })).files).toBe(1);
    const left = await cache.list(root);
    expect(left.map((e) => e.metadata?.story)).toEqual(['s1']);
    await expect(fsp.stat(fresh)).resolves.toBeTruthy();
    await expect(fsp.stat(old)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('throws E_IO naming the folder when the cache folder cannot be read', async () => {
    await fsp.writeFile(path.join(root, 'features-test'), 'a file where the folder should be');
    const error = await cache.list(root).catch((e: unknown) => e);
    expect(isVoxelwiseError(error, 'E_IO')).toBe(true);
    expect((error as Error).message).toContain(path.join(root, 'features-test'));
  });

  it('runs a function holding the lock of one key', async () => {
    const key = featureCacheKey({ a: 1 });
    const seen = await cache.withLock(root, key, async () => {
      const names = await fsp.readdir(cache.dir(root));
      return names.some((n) => n.startsWith(key) && n.endsWith('.lock'));
    });
    expect(seen).toBe(true);
  });
});
