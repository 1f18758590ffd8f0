import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Bytes, sha256File } from '../src/index.js';
import { expectCodeAsync } from './expect-code.js';

// FIPS 180-2 test vector: SHA-256("abc").
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256', () => {
  it('hashes bytes, strings (UTF-8) and files the same way', async () => {
    expect(sha256Bytes('abc')).toBe(ABC);
    expect(sha256Bytes(Uint8Array.of(0x61, 0x62, 0x63))).toBe(ABC);
    const dir = mkdtempSync(join(tmpdir(), 'vw-io-'));
    writeFileSync(join(dir, 'abc.txt'), 'abc');
    expect(await sha256File(join(dir, 'abc.txt'))).toBe(ABC);
    // Larger than one 4 MiB read chunk.
    const big = new Uint8Array(9 << 20).map((_, i) => i % 251);
    writeFileSync(join(dir, 'big.bin'), big);
    expect(await sha256File(join(dir, 'big.bin'))).toBe(sha256Bytes(big));
  });

  it('names a missing file', async () => {
    await expectCodeAsync(() => sha256File('/nonexistent/x.hf5'), 'E_FILE_NOT_FOUND', /\/nonexistent\/x\.hf5/);
  });
});
