import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  createSpeechExtractor,
  createTinyWav2vec2,
  createTinyWhisperEncoder,
  resolveSpeechModel,
  speechOptionsSchema,
} from '../src/index.js';
import { audioStory, FIXTURES, tempDir } from './helpers.js';

// A local stand-in for huggingface.co (HF_ENDPOINT) serving tiny models as "test-org/<name>".
describe('downloading a speech model from the hub', () => {
  let server: http.Server;
  const served: Record<string, string> = {};
  let cacheDir: string;
  const requests: string[] = [];
  beforeAll(async () => {
    const root = tempDir();
    served['tiny-whisper'] = (await createTinyWhisperEncoder(path.join(root, 'w'), { layers: 1, dModel: 8, heads: 2 })).dir;
    served['tiny-w2v'] = (await createTinyWav2vec2(path.join(root, 'v'), { layers: 1, dModel: 8, heads: 2 })).dir;
    cacheDir = path.join(root, 'cache');
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const m = /^\/test-org\/([\w-]+)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(req.url ?? ''));
      const file = m && served[m[1]!] ? path.join(served[m[1]!]!, m[2]!) : '';
      if (!file || !existsSync(file)) {
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

  it('fetches config, preprocessor config and only the encoder file, then works offline', async () => {
    for (const [name, file] of [
      ['tiny-whisper', 'onnx/encoder_model.onnx'],
      ['tiny-w2v', 'onnx/model.onnx'],
    ] as const) {
      const src = await resolveSpeechModel({ model: `test-org/${name}`, cacheDir });
      expect(src.hub).toEqual({ repo: `test-org/${name}`, revision: 'main' });
      expect(readFileSync(src.onnxFile).equals(readFileSync(path.join(served[name]!, file)))).toBe(true);
    }
    expect(requests.filter((r) => /decoder/.test(r))).toEqual([]);
    const before = requests.length;
    process.env['HF_HUB_OFFLINE'] = '1';
    try {
      const ex = createSpeechExtractor(
        speechOptionsSchema.parse({ model: 'test-org/tiny-whisper', layer: 0, chunkSize: 0.5, contextSize: 1, cache: false }),
      );
      const f = await ex.extract(audioStory('s', path.join(FIXTURES, 'tones.wav'), 1.7), createContext({ cacheDir }));
      await ex.dispose?.();
      expect([f.data.rows, f.data.cols]).toEqual([2, 8]);
    } finally {
      delete process.env['HF_HUB_OFFLINE'];
    }
    expect(requests.length).toBe(before);
  });

  it('a repository the hub does not have is E_MODEL_LOAD naming it', async () => {
    await expectVoxelwiseError(() => resolveSpeechModel({ model: 'test-org/missing', cacheDir }), 'E_MODEL_LOAD', /test-org\/missing/);
  });
});
