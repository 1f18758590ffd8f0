import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simFileWriter } from '../src/simulate-files.js';

describe('simFileWriter', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates parent folders and lists written and placed files, relative, in write order', async () => {
    dir = await mkdtemp(join(tmpdir(), 'vw-simfiles-'));
    const w = simFileWriter(dir);
    await w.put('a/b/c.txt', 'hello');
    const abs = await w.place('d/e.bin');
    expect(abs).toBe(join(dir, 'd/e.bin'));
    expect((await stat(join(dir, 'd'))).isDirectory()).toBe(true);
    await w.put('top.json', new Uint8Array([1, 2]));
    expect(w.files).toEqual(['a/b/c.txt', 'd/e.bin', 'top.json']);
    expect(await readFile(join(dir, 'a/b/c.txt'), 'utf8')).toBe('hello');
    expect([...(await readFile(join(dir, 'top.json')))]).toEqual([1, 2]);
  });
});
