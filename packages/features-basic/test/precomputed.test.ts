import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext, toRows } from '@voxelwise/core';
import type { Matrix, Story } from '@voxelwise/core';
import { conformanceStories, describeExtractorConformance, expectVoxelwiseError } from '@voxelwise/testing';
import { createPrecomputedExtractor, precomputedStage } from '../src/index.js';
import type { PrecomputedConfig } from '../src/index.js';
import { ramp, story, tempDir, writeArrow, writeH5, writeNpy } from './helpers.js';

const ctx = createContext();
const make = (config: Partial<PrecomputedConfig> & { dir: string }) =>
  createPrecomputedExtractor({ level: 'word', dataset: 'data', ...config });
const words = (n: number) => Array.from({ length: n }, (_, i) => (i % 4 === 3 ? '' : `w${i}`));

describe('precomputed: formats', () => {
  const s = story('story01', words(7));

  it('reads word-level .npy (float32 and float64) without changing the values', async () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const dir = tempDir();
      const m = ramp(7, 3, dtype);
      writeNpy(join(dir, 'story01.npy'), m);
      const fs = await (await make({ dir })).extract(s, ctx);
      expect(fs.level).toBe('word');
      expect(fs.data.data.constructor).toBe(m.data.constructor);
      expect(toRows(fs.data)).toEqual(toRows(m));
    }
  });

  it('reads Arrow IPC as one list column (one or several batches) or one column per feature', async () => {
    const m = ramp(7, 4);
    for (const [layout, batches] of [
      ['list', 1],
      ['list', 3],
      ['columns', 1],
    ] as const) {
      const dir = tempDir();
      writeArrow(join(dir, 'story01.arrow'), m, layout, batches);
      const fs = await (await make({ dir })).extract(s, ctx);
      expect(toRows(fs.data), `${layout} × ${batches}`).toEqual(toRows(m));
      if (layout === 'columns') expect(fs.columns).toEqual(['dim0', 'dim1', 'dim2', 'dim3']);
    }
  });

  it('picks an Arrow column by name and explains bad layouts', async () => {
    const dir = tempDir();
    writeArrow(join(dir, 'story01.feather'), ramp(7, 2, 'float64'), 'columns');
    expect(toRows((await (await make({ dir, column: 'dim1' })).extract(s, ctx)).data)).toEqual(
      toRows(ramp(7, 2, 'float64')).map((r) => [r[1]!]),
    );
    await expectVoxelwiseError(
      async () => (await make({ dir, column: 'nope' })).extract(s, ctx),
      'E_FILE_FORMAT',
      'no column "nope"',
      'dim0',
    );
    writeFileSync(join(dir, 'story01.feather'), 'not arrow at all');
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_FILE_FORMAT', 'not an Arrow IPC file');
  });

  it('reads HDF5 from a configurable dataset, and lists the datasets when it is missing', async () => {
    const dir = tempDir();
    const m = ramp(7, 2, 'float64');
    await writeH5(join(dir, 'story01.hf5'), [{ name: 'feats', data: m.data as Float64Array, shape: [7, 2] }]);
    expect(toRows((await (await make({ dir, dataset: 'feats' })).extract(s, ctx)).data)).toEqual(toRows(m));
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_FILE_FORMAT', 'no dataset "data"', 'feats');
    await writeH5(join(dir, 'story01.hf5'), [{ name: 'data', data: new Int32Array(14), shape: [7, 2] }]);
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_FILE_FORMAT', 'float32 or float64');
    writeFileSync(join(dir, 'story01.hf5'), 'plain text');
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_FILE_FORMAT', 'not an HDF5 file');
  });

  it('reads TR-level features (one row per TR of the grid)', async () => {
    const dir = tempDir();
    const m = ramp(s.trTimes.length, 2);
    writeNpy(join(dir, 'story01.npy'), m);
    const ex = await make({ dir, level: 'tr' });
    expect(ex.level).toBe('tr');
    const fs = await ex.extract(s, ctx);
    expect(fs.level).toBe('tr');
    expect(toRows(fs.data)).toEqual(toRows(m));
  });
});

describe('precomputed: alignment', () => {
  const s = story('story01', words(9), 6, { start: 1, end: 1 });

  it('names the story, the file and both counts when rows differ from the words', async () => {
    const dir = tempDir();
    writeNpy(join(dir, 'story01.npy'), ramp(8, 2));
    const e = await expectVoxelwiseError(
      async () => (await make({ dir })).extract(s, ctx),
      'E_ALIGNMENT',
      'story "story01"',
      'story01.npy',
      'has 8 rows',
      '9 words',
      'empty words kept',
    );
    expect(e.details).toMatchObject({ story: 'story01', got: 8, expected: 9 });
  });

  it('hints at the level when the rows match the other one', async () => {
    const dir = tempDir();
    writeNpy(join(dir, 'story01.npy'), ramp(6, 2));
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_ALIGNMENT', '6 rows', 'set level: "tr"');
    writeNpy(join(dir, 'story01.npy'), ramp(9, 2));
    await expectVoxelwiseError(
      async () => (await make({ dir, level: 'tr' })).extract(s, ctx),
      'E_ALIGNMENT',
      'has 9 rows but the story has 6 TRs',
      'set level: "word"',
    );
    writeNpy(join(dir, 'story01.npy'), ramp(4, 2));
    await expectVoxelwiseError(
      async () => (await make({ dir, level: 'tr' })).extract(s, ctx),
      'E_ALIGNMENT',
      'response rows',
      'trimmed TRs included',
    );
  });

  it('refuses NaN and Inf, naming the story, row and column', async () => {
    const dir = tempDir();
    const m = ramp(9, 2, 'float64');
    m.data[5] = Number.NaN;
    writeNpy(join(dir, 'story01.npy'), m);
    await expectVoxelwiseError(async () => (await make({ dir })).extract(s, ctx), 'E_NOT_FINITE', 'story "story01"', 'row 2, column 1');
  });
});

describe('precomputed: files', () => {
  const s = story('story01', words(5));

  it('needs an existing folder', async () => {
    const dir = tempDir();
    await expectVoxelwiseError(() => make({ dir: join(dir, 'nope') }), 'E_FILE_NOT_FOUND', 'nope');
    writeFileSync(join(dir, 'file'), '');
    await expectVoxelwiseError(() => make({ dir: join(dir, 'file') }), 'E_CONFIG_INVALID', 'not a folder');
  });

  it('names the story and the files it looked for when none exists', async () => {
    const dir = tempDir();
    const e = await expectVoxelwiseError(
      async () => (await make({ dir })).extract(s, ctx),
      'E_FILE_NOT_FOUND',
      'story "story01"',
      'story01.npy',
      'story01.h5',
    );
    expect(e.details).toMatchObject({ story: 'story01' });
    await expectVoxelwiseError(async () => (await make({ dir, format: 'arrow' })).extract(s, ctx), 'E_FILE_NOT_FOUND', 'story01.arrow');
  });

  it('refuses two files for one story unless the format option picks one', async () => {
    const dir = tempDir();
    writeNpy(join(dir, 'story01.npy'), ramp(5, 2));
    writeArrow(join(dir, 'story01.arrow'), ramp(5, 2, 'float32', 9));
    await expectVoxelwiseError(
      async () => (await make({ dir })).extract(s, ctx),
      'E_CONFIG_INVALID',
      'several feature files',
      'story01.npy',
      'story01.arrow',
    );
    expect((await (await make({ dir, format: 'arrow' })).extract(s, ctx)).data.data[0]).toBeCloseTo(8.7, 5);
  });

  it('reads lazily: each story when it is extracted, never the others', async () => {
    const dir = tempDir();
    const ex = await make({ dir });
    writeFileSync(join(dir, 'broken.npy'), 'not npy');
    writeNpy(join(dir, 'story01.npy'), ramp(5, 2));
    expect((await ex.extract(s, ctx)).data.rows).toBe(5);
    // Files change between stories and runs; nothing is cached.
    writeNpy(join(dir, 'story01.npy'), ramp(5, 2, 'float32', 100));
    expect((await ex.extract(s, ctx)).data.data[0]).toBeCloseTo(99.7, 4);
  });

  it('refuses story names that are not file names', async () => {
    const dir = tempDir();
    await expectVoxelwiseError(
      async () => (await make({ dir })).extract(story('../x', ['a']), ctx),
      'E_DATA_INVALID',
      'cannot be used as a file name',
    );
  });
});

describe('precomputed stage', () => {
  it('validates options: dir is required, level and format are closed sets', () => {
    expect(precomputedStage.options.safeParse({}).success).toBe(false);
    expect(precomputedStage.options.safeParse({ dir: 'x', level: 'words' }).success).toBe(false);
    expect(precomputedStage.options.safeParse({ dir: 'x', format: 'csv' }).success).toBe(false);
    expect(precomputedStage.options.parse({ dir: 'x' })).toEqual({ dir: 'x', level: 'word', dataset: 'data' });
  });
});

// Conformance: every format, word- and TR-level, on the suite's stories, plus a story whose
// file has one row too many.
async function writeFile(dir: string, name: string, format: 'npy' | 'arrow' | 'hdf5', m: Matrix): Promise<void> {
  if (format === 'npy') writeNpy(join(dir, `${name}.npy`), m);
  else if (format === 'arrow') writeArrow(join(dir, `${name}.arrow`), m);
  else await writeH5(join(dir, `${name}.h5`), [{ name: 'data', data: m.data as Float32Array, shape: [m.rows, m.cols] }]);
}

for (const format of ['npy', 'arrow', 'hdf5'] as const) {
  for (const level of ['word', 'tr'] as const) {
    const rows = (s: Story) => (level === 'word' ? s.words.text.length : s.trTimes.length);
    const dir = tempDir();
    const stories = conformanceStories();
    for (const [i, s] of stories.entries()) await writeFile(dir, s.name, format, ramp(rows(s), 3, 'float32', 10 * i));
    const misaligned: Story = { ...stories[0]!, name: 'one-row-too-many' };
    await writeFile(dir, misaligned.name, format, ramp(rows(misaligned) + 1, 3));
    describeExtractorConformance(`precomputed (${format}, ${level})`, {
      create: () => precomputedStage.create(precomputedStage.options.parse({ dir, level }), ctx),
      misaligned: () => misaligned,
    });
  }
}
