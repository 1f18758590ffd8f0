import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { combineHashes, fileSha256, filesSha256, onnxModelSha256 } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'onnx-hash-'));
  dirs.push(dir);
  return dir;
}

describe('filesSha256 / onnxModelSha256', () => {
  it('combines the files in order, a missing one as "-"', async () => {
    const dir = folder();
    const a = path.join(dir, 'a.json');
    writeFileSync(a, '{}');
    const missing = path.join(dir, 'missing.json');
    expect(await filesSha256([a, missing])).toBe(combineHashes([await fileSha256(a), '-']));
  });

  it('includes the external data file of a model when there is one', async () => {
    const dir = folder();
    const model = path.join(dir, 'model.onnx');
    writeFileSync(model, Uint8Array.of(1, 2, 3));
    const alone = await onnxModelSha256(model);
    expect(alone).toBe(await filesSha256([model]));
    writeFileSync(`${model}_data`, Uint8Array.of(4));
    expect(await onnxModelSha256(model)).toBe(await filesSha256([model, `${model}_data`]));
    expect(await onnxModelSha256(model)).not.toBe(alone);
  });
});
