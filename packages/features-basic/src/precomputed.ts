import { basename, join, resolve } from 'node:path';
import { assertFinite, voxelwiseError } from '@voxelwise/core';
import type { FeatureExtractor, FeatureLevel, FeatureSet, Story } from '@voxelwise/core';
import { parseArrowFeatures } from './arrow-features.js';
import type { FeatureTable } from './arrow-features.js';
import { assertDirectory, exists, readBytes } from './files.js';
import { getDataset, readFloatDataset, withHdf5 } from './hdf5.js';
import { parseNpy } from './npy.js';
import { storyWordCount } from './story-words.js';

const WHERE = 'features-basic:precomputed';

/** File formats the `precomputed` extractor reads. */
export type PrecomputedFormat = 'npy' | 'arrow' | 'hdf5';

/** File extensions of each format, in lookup order. */
export const PRECOMPUTED_EXTENSIONS: Readonly<Record<PrecomputedFormat, readonly string[]>> = {
  npy: ['npy'],
  arrow: ['arrow', 'feather', 'ipc'],
  hdf5: ['h5', 'hdf5', 'hf5'],
};

/** Resolved options of {@link createPrecomputedExtractor}. */
export interface PrecomputedConfig {
  /** Folder holding one file per story, `<story>.<ext>`. */
  dir: string;
  /** Restrict to one format; otherwise the one file named after the story is used, whatever its format. */
  format?: PrecomputedFormat;
  /** `word`: one row per word (empty words included); `tr`: one row per TR of the story's grid. */
  level: FeatureLevel;
  /** HDF5 dataset holding the features. */
  dataset: string;
  /** Arrow column holding the features (default: the only list column, or every float column). */
  column?: string;
}

/** Finds `<dir>/<story>.<ext>`; exactly one candidate must exist. */
async function findStoryFile(
  dir: string,
  story: string,
  format: PrecomputedFormat | undefined,
): Promise<{ path: string; format: PrecomputedFormat }> {
  if (story === '' || story === '.' || story === '..' || /[/\\]/.test(story)) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `story name "${story}" cannot be used as a file name`,
      details: { story },
    });
  }
  const formats = format ? [format] : (Object.keys(PRECOMPUTED_EXTENSIONS) as PrecomputedFormat[]);
  const candidates = formats.flatMap((f) => PRECOMPUTED_EXTENSIONS[f].map((ext) => ({ path: join(dir, `${story}.${ext}`), format: f })));
  const found: typeof candidates = [];
  for (const c of candidates) if (await exists(c.path)) found.push(c);
  if (found.length === 0) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `no features for story "${story}" in ${dir}`,
      expected: candidates.map((c) => basename(c.path)),
      details: { story, dir },
      hint: 'Write one file per story named after the story, e.g. np.save(f"{dir}/{story}.npy", features).',
    });
  }
  if (found.length > 1) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `story "${story}" has several feature files in ${dir}`,
      got: found.map((c) => basename(c.path)),
      details: { story, dir },
      hint: 'Keep one file per story, or set the format option.',
    });
  }
  return found[0]!;
}

async function readTable(path: string, format: PrecomputedFormat, config: PrecomputedConfig): Promise<FeatureTable> {
  if (format === 'hdf5') {
    return { data: await withHdf5(path, WHERE, (file) => readFloatDataset(getDataset(file, config.dataset, path, WHERE), path, WHERE)) };
  }
  const bytes = await readBytes(path, WHERE, 'feature file');
  return format === 'npy' ? { data: parseNpy(bytes, path) } : parseArrowFeatures(bytes, path, config.column);
}

/** A hint for the most likely cause of a row-count mismatch. */
function mismatchHint(rows: number, story: Story, nWords: number, level: FeatureLevel): string {
  const nTR = story.trTimes.length;
  if (level === 'word' && rows === nTR) return `The file has one row per TR (${nTR}); set level: "tr".`;
  if (level === 'tr' && rows === nWords) return `The file has one row per word (${nWords}); set level: "word".`;
  if (level === 'tr' && rows === story.nResponseRows) {
    return `The file matches the ${rows} response rows; TR-level features cover the whole TR grid (trTimes), trimmed TRs included.`;
  }
  return level === 'word'
    ? 'Word-level features need one row per word of the assembly (after its bad-word filtering, empty words kept).'
    : 'TR-level features need one row per TR of the story grid (trTimes).';
}

/**
 * Creates an extractor that reads features computed elsewhere, one file per story
 * (`.npy`, Arrow IPC, or HDF5), lazily when each story is extracted.
 *
 * @example
 * const ex = await createPrecomputedExtractor({ dir: 'features/gpt2-l9', level: 'word', dataset: 'data' });
 * const { data } = await ex.extract(story, ctx);
 */
export async function createPrecomputedExtractor(config: PrecomputedConfig): Promise<FeatureExtractor> {
  const dir = resolve(config.dir);
  await assertDirectory(dir, WHERE, 'feature folder');
  const id = `precomputed:${basename(dir)}`;
  return {
    id,
    level: config.level,
    async extract(story): Promise<FeatureSet> {
      const nWords = storyWordCount(story, WHERE);
      const { path, format } = await findStoryFile(dir, story.name, config.format);
      const table = await readTable(path, format, config);
      const expected = config.level === 'word' ? nWords : story.trTimes.length;
      if (table.data.rows !== expected) {
        throw voxelwiseError({
          code: 'E_ALIGNMENT',
          where: WHERE,
          message: `story "${story.name}": ${path} has ${table.data.rows} rows but the story has ${expected} ${config.level === 'word' ? 'words' : 'TRs'}`,
          got: table.data.rows,
          expected,
          details: { story: story.name, file: path, level: config.level },
          hint: mismatchHint(table.data.rows, story, nWords, config.level),
        });
      }
      // x·0 is NaN exactly for NaN and ±Inf: one cheap pass, then locate the culprit if any.
      const values = table.data.data;
      let probe = 0;
      for (let k = 0; k < values.length; k++) probe += values[k]! * 0;
      if (probe !== 0) assertFinite(table.data, `story "${story.name}": ${path}`, WHERE);
      return { level: config.level, data: table.data, ...(table.columns ? { columns: table.columns } : {}) };
    },
  };
}
