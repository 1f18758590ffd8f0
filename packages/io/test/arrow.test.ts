import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readArrowTable, writeArrowFileAtomic } from '../src/index.js';
import { expectCodeAsync } from './expect-code.js';

describe('Arrow files', () => {
  it('round-trips a table through an atomically written IPC file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-io-arrow-'));
    const file = join(dir, 'scores.arrow');
    await writeArrowFileAtomic(file, tableFromArrays({ voxel: Int32Array.of(0, 1), r: Float64Array.of(0.25, -0.5) }));
    expect(readdirSync(dir)).toEqual(['scores.arrow']);
    const table = await readArrowTable(file, 'test:arrow');
    expect(table.numRows).toBe(2);
    expect(Array.from(table.getChild('r')!.toArray() as Float64Array)).toEqual([0.25, -0.5]);
  });

  it('names the file when it is missing or not Arrow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-io-arrow-'));
    await expectCodeAsync(() => readArrowTable(join(dir, 'none.arrow'), 'test:arrow'), 'E_FILE_NOT_FOUND', /none\.arrow/);
    writeFileSync(join(dir, 'bad.arrow'), 'PAR1 definitely parquet');
    await expectCodeAsync(
      () => readArrowTable(join(dir, 'bad.arrow'), 'test:arrow'),
      'E_FILE_FORMAT',
      /\[test:arrow\]/,
      /bad\.arrow is not an Arrow IPC file/,
    );
  });
});
