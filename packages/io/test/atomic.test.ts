import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempFileName, tempPathFor, writeDirAtomic, writeFileAtomic, writeFileAtomicWith, writeJsonAtomic } from '../src/index.js';
import { expectCodeAsync } from './expect-code.js';

const temp = () => mkdtempSync(join(tmpdir(), 'vw-io-'));

describe('writeFileAtomic', () => {
  it('writes strings and bytes, replaces an existing file and creates missing folders', async () => {
    const dir = temp();
    const file = join(dir, 'a', 'b', 'x.bin');
    await writeFileAtomic(file, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    await writeFileAtomic(file, 'héllo');
    expect(readFileSync(file, 'utf8')).toBe('héllo');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.bin']);
  });

  it('names its temporary files so leftovers can be recognised', () => {
    const tmp = tempPathFor('/data/cache/k.arrow');
    expect(tmp.startsWith('/data/cache/.k.arrow.tmp-')).toBe(true);
    expect(isTempFileName(tmp.slice('/data/cache/'.length))).toBe(true);
    expect(isTempFileName('k.arrow')).toBe(false);
  });

  it('leaves no temporary file behind and names the file when it cannot write', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'plain'), 'not a folder');
    await expectCodeAsync(() => writeFileAtomic(join(dir, 'plain', 'x.json'), '{}'), 'E_IO', /plain\/x\.json/);
    await mkdir(join(dir, 'target'));
    // rename(2) cannot replace a directory with a file.
    await expectCodeAsync(() => writeFileAtomic(join(dir, 'target'), 'x'), 'E_IO', /target/);
    expect(readdirSync(dir).sort()).toEqual(['plain', 'target']);
  });

  it('writes JSON with a trailing newline', async () => {
    const file = join(temp(), 'v.json');
    await writeJsonAtomic(file, { a: [1, 2] });
    expect(readFileSync(file, 'utf8')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
  });
});

describe('writeDirAtomic', () => {
  it('fills a hidden sibling and renames it into place, returning what fill returns', async () => {
    const parent = temp();
    const target = join(parent, 'run');
    const seen: string[] = [];
    const result = await writeDirAtomic(target, async (tmp) => {
      seen.push(tmp);
      expect(tmp.startsWith(join(parent, '.tmp-run-'))).toBe(true);
      await writeFile(join(tmp, 'a.txt'), 'a');
      return 7;
    });
    expect(result).toBe(7);
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('a');
    expect(existsSync(seen[0]!)).toBe(false);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('removes the temporary folder when fill fails and leaves no target', async () => {
    const parent = temp();
    const boom = new Error('boom');
    await expect(
      writeDirAtomic(join(parent, 'run'), async (tmp) => {
        await writeFile(join(tmp, 'half'), 'x');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses an existing target unless overwrite is set, then replaces it whole', async () => {
    const parent = temp();
    const target = join(parent, 'run');
    await mkdir(target);
    await writeFile(join(target, 'old.txt'), 'old');
    await expectCodeAsync(() => writeDirAtomic(target, async () => {}, { where: 'test:dir' }), 'E_IO', /\[test:dir\]/, /already exists/);
    await writeDirAtomic(target, (tmp) => writeFile(join(tmp, 'new.txt'), 'new'), { overwrite: true });
    expect(readdirSync(target)).toEqual(['new.txt']);
    expect(readdirSync(parent)).toEqual(['run']);
  });
});

describe('writeFileAtomicWith', () => {
  it('lets a path-based writer fill the temporary file, then renames it', async () => {
    const dir = temp();
    const file = join(dir, 'x.txt');
    await writeFileAtomicWith(file, (tmp) => writeFile(tmp, 'from a library'));
    expect(readFileSync(file, 'utf8')).toBe('from a library');
    const boom = new Error('library failed');
    await expectCodeAsync(
      () =>
        writeFileAtomicWith(join(dir, 'y.txt'), async (tmp) => {
          await writeFile(tmp, 'half');
          throw boom;
        }),
      'E_IO',
      /y\.txt/,
      /library failed/,
    );
    expect(readdirSync(dir)).toEqual(['x.txt']);
  });
});
