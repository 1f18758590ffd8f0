import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createLmExtractor, createTinyGpt2, hubModelDir, lmOptionsSchema, resolveModelSource } from '../src/index.js';
import { tempDir, wordStory } from './helpers.js';

// A local stand-in for huggingface.co (HF_ENDPOINT), serving a tiny model as repo "test-org/tiny-gpt2".
describe('downloading a hub model through transformers.js', () => {
  let server: http.Server;
  let modelDir: string;
  let cacheDir: string;
  const requests: string[] = [];
  beforeAll(async () => {
    const root = tempDir();
    modelDir = (await createTinyGpt2(path.join(root, 'served'), { layers: 2, dModel: 8, heads: 2, positions: 32 })).dir;
    cacheDir = path.join(root, 'cache');
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const m = /^\/test-org\/tiny-gpt2\/resolve\/main\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
      const file = m ? path.join(modelDir, m[1]!) : '';
      if (!m || !existsSync(file)) {
        res.writeHead(404).end('not found');
        return;
      }
      const body = readFileSync(file);
      res.writeHead(200, { 'content-length': body.byteLength, 'content-type': 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env['HF_ENDPOINT'] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('downloads config, tokenizer and ONNX into <cacheDir>/hub once, then works offline', async () => {
    const src = await resolveModelSource({ model: 'test-org/tiny-gpt2', cacheDir });
    expect(src.dir).toBe(hubModelDir(cacheDir, 'test-org/tiny-gpt2', 'main'));
    expect(src.hub).toEqual({ repo: 'test-org/tiny-gpt2', revision: 'main' });
    expect(readFileSync(src.onnxFile).equals(readFileSync(path.join(modelDir, 'onnx', 'model.onnx')))).toBe(true);
    expect(requests.some((r) => r.includes('onnx/model.onnx'))).toBe(true);

    const before = requests.length;
    process.env['HF_HUB_OFFLINE'] = '1';
    try {
      const ex = createLmExtractor(lmOptionsSchema.parse({ model: 'test-org/tiny-gpt2', layer: 1, lookback: 4 }));
      const f = await ex.extract(wordStory('s', ['hello', 'there', 'world']), createContext({ cacheDir }));
      await ex.dispose?.();
      expect([f.data.rows, f.data.cols]).toEqual([3, 8]);
    } finally {
      delete process.env['HF_HUB_OFFLINE'];
    }
    expect(requests.length).toBe(before);
  });

  it('a repository the hub does not have is E_MODEL_LOAD listing the download attempt', async () => {
    await expectVoxelwiseError(
      () => resolveModelSource({ model: 'test-org/missing', cacheDir }),
      'E_MODEL_LOAD',
      /test-org\/missing/,
      /download of config\.json/,
    );
  });
});
