import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadH5wasm, openHdf5File } from '../src/hdf5.js';
import { expectCodeAsync } from './expect-code.js';

const dir = mkdtempSync(join(tmpdir(), 'vw-io-h5-'));

async function writeH5(path: string): Promise<void> {
  const h5 = await loadH5wasm('test');
  const f = new h5.File(path, 'w');
  try {
    f.create_dataset({ name: 'data', data: new Float32Array(4096).map((_, i) => i), shape: [64, 64], dtype: '<f' });
  } finally {
    f.close();
  }
}

describe('openHdf5File', () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void stderr.push(args.join(' ')));
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void stderr.push(args.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('opens a good file', async () => {
    const good = join(dir, 'good.hf5');
    await writeH5(good);
    const f = await openHdf5File(good, 'test:h5');
    try {
      expect(f.keys()).toEqual(['data']);
    } finally {
      f.close();
    }
  });

  it('gives coded errors naming the file, and prints nothing, for truncated, garbage and missing files', async () => {
    const good = join(dir, 'src.hf5');
    await writeH5(good);
    const bytes = readFileSync(good);
    const truncated = join(dir, 'truncated.hf5');
    writeFileSync(truncated, bytes.subarray(0, 1200));
    await expectCodeAsync(() => openHdf5File(truncated, 'test:h5'), 'E_FILE_FORMAT', /\[test:h5\]/, /truncated\.hf5/);

    const garbage = join(dir, 'garbage.hf5');
    // The HDF5 signature followed by noise: passes the signature check, fails in the C library.
    writeFileSync(garbage, Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(4000, 0x5a)]));
    await expectCodeAsync(() => openHdf5File(garbage, 'test:h5'), 'E_FILE_FORMAT', /garbage\.hf5/);

    const text = join(dir, 'text.hf5');
    writeFileSync(text, 'not hdf5 at all');
    await expectCodeAsync(() => openHdf5File(text, 'test:h5'), 'E_FILE_FORMAT', /text\.hf5 is not an HDF5 file/);

    await expectCodeAsync(() => openHdf5File(join(dir, 'missing.hf5'), 'test:h5'), 'E_FILE_NOT_FOUND', /missing\.hf5/);
    expect(stderr.join('')).toBe('');
  });
});
