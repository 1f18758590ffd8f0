import { existsSync, readdirSync, statSync } from 'node:fs';
import { readSource } from './read-source.js';
import { basename, join, resolve } from 'node:path';
import { formatIssues, resolveVoxelRange, voxelwiseError, wordMidpoints, z } from '@voxelwise/core';
import type { Assembly, AssemblyMetadata, EventSink, ResponseBlock, Story } from '@voxelwise/core';
import { openArrowMatrix } from './arrow-matrix.js';
import { sourceFile } from './hash.js';
import { openHdf5Matrix } from './hdf5.js';
import type { MatrixFile } from './matrix-file.js';
import { openNpyMatrix } from './npy.js';
import { parseTimesTsv, parseWordsTsv } from './words-tsv.js';
import { storyCache } from './story-cache.js';
import { checkSourceStory } from './source-timing.js';
import { checkTestStories, unknownStory } from './story-checks.js';

const WHERE = 'assembly:byo';

/** Name of the optional settings file at the root of a bring-your-own dataset. */
export const BYO_MANIFEST = 'byo.json';

/** Audio file names tried in each story folder, in this order (the story's audio, for speech features). */
const BYO_AUDIO_FILES = ['audio.wav', 'audio.flac'] as const;

/**
 * Sub-folder of a story holding one response file per repeat (same formats and shape as the
 * story's response file, which should be their mean), ordered by file name.
 */
const BYO_REPEATS_DIR = 'repeats';

/** The repeat files of a story folder, checked against the story's responses (none: `[]`). */
async function repeatFiles(dir: string, story: string, rows: number, cols: number): Promise<string[]> {
  const folder = join(dir, BYO_REPEATS_DIR);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const files = readdirSync(folder)
    .filter((f) => BYO_RESPONSE_FILES.some((r) => f.endsWith(r.slice(r.indexOf('.')))))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(folder, f));
  if (files.length < 2) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `story "${story}" has ${files.length} response file${files.length === 1 ? '' : 's'} in ${folder}; repeats need at least two`,
      hint: `Put one response file per repeat in ${folder} (e.g. 0.npy, 1.npy, …), or remove the folder.`,
      details: { story, file: folder },
    });
  }
  for (const f of files) {
    const m = await openMatrix(f);
    m.close();
    if (m.rows !== rows || m.cols !== cols) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `repeat ${f} of story "${story}" is ${m.rows} × ${m.cols}, its responses are ${rows} × ${cols}`,
        got: [m.rows, m.cols],
        expected: [rows, cols],
        details: { story, file: f },
      });
    }
  }
  return files;
}

/** Response file names tried in each story folder, in this order. */
export const BYO_RESPONSE_FILES = ['responses.npy', 'responses.hf5', 'responses.h5', 'responses.arrow'] as const;

const settingsSchema = z
  .object({
    subject: z.string().optional(),
    /** Repetition time, seconds. */
    tr: z.number().positive().optional(),
    /** Centre time of the first TR, seconds (word times share its origin). @default tr / 2 */
    firstTrTime: z.number().optional(),
    /** Response row i is TR `trim.start + i`; the last `trim.end` TRs have no response. @default 0 / 0 */
    trim: z.object({ start: z.number().int().nonnegative().default(0), end: z.number().int().nonnegative().default(0) }).optional(),
    stories: z.array(z.string()).optional(),
    testStories: z.array(z.string()).optional(),
    /** TRs of the grid per story, when it is longer than the responses plus trims. */
    nTRs: z.record(z.string(), z.number().int().positive()).optional(),
  })
  .strict();

/** Settings of a bring-your-own dataset (`byo.json`, all optional; options override it). */
export type ByoSettings = z.input<typeof settingsSchema>;

/** Options of {@link openByo} (and of the `byo` assembly source). */
export interface ByoOptions extends ByoSettings {
  /** Dataset folder: one sub-folder per story holding `words.tsv` and a response file. */
  root: string;
  /** Receives a warning for speech past the end of the scan. */
  emit?: EventSink;
}

async function readSettings(root: string): Promise<ByoSettings> {
  const file = join(root, BYO_MANIFEST);
  if (!existsSync(file)) return {};
  let json: unknown;
  const text = (await readSource(file, WHERE)).toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} is not valid JSON`, cause, details: { file } });
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `${file}: ${formatIssues(parsed.error.issues)}`,
      details: { file },
    });
  }
  return parsed.data;
}

async function openMatrix(file: string): Promise<MatrixFile> {
  if (file.endsWith('.npy')) return openNpyMatrix(file);
  if (file.endsWith('.arrow')) return openArrowMatrix(file);
  return openHdf5Matrix(file);
}

/**
 * Opens a bring-your-own dataset (layout in the package README): per story a folder with
 * `words.tsv` (word, onset, offset), a response file (`responses.npy`, `.hf5` with dataset `data`,
 * or `.arrow`; TRs × voxels), and optionally `trs.tsv` (explicit TR centre times). Without
 * `trs.tsv` the grid is `firstTrTime + k·tr` for `nTRs` TRs (default: response rows + trims).
 *
 * @example
 * const assembly = await openByo({ root: 'narratives-pieman', tr: 1.5, testStories: ['pieman'] });
 */
export async function openByo(options: ByoOptions): Promise<Assembly> {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `dataset folder ${root} does not exist`,
      details: { file: root },
    });
  }
  const fromFile = await readSettings(root);
  const { root: _root, emit, ...fromOptions } = options;
  const s: ByoSettings = { ...fromFile, ...Object.fromEntries(Object.entries(fromOptions).filter(([, v]) => v !== undefined)) };
  const trim = { start: s.trim?.start ?? 0, end: s.trim?.end ?? 0 };
  const found = readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && existsSync(join(root, d, 'words.tsv')))
    .sort();
  const names = s.stories ? [...s.stories] : found;
  for (const n of names) {
    if (!found.includes(n)) {
      throw voxelwiseError({
        code: 'E_FILE_NOT_FOUND',
        where: WHERE,
        message: `story "${n}" has no ${join(root, n, 'words.tsv')}`,
        expected: found,
        details: { story: n },
      });
    }
  }
  if (names.length === 0) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `${root} holds no story folder with a words.tsv`,
      hint: 'See the bring-your-own layout in the @voxelwise/assembly README.',
    });
  }
  const testStories = s.testStories ?? [];
  checkTestStories(testStories, names, 'story', WHERE);
  // Response files and shapes, checked before anything is read.
  const info = new Map<string, { file: string; rows: number; cols: number; dtype: string; trFile?: string; repeats: string[] }>();
  let nVoxels = -1;
  let first = '';
  for (const n of names) {
    const candidates = BYO_RESPONSE_FILES.map((f) => join(root, n, f)).filter((f) => existsSync(f));
    if (candidates.length !== 1) {
      throw voxelwiseError({
        code: candidates.length === 0 ? 'E_FILE_NOT_FOUND' : 'E_DATA_INVALID',
        where: WHERE,
        message:
          candidates.length === 0
            ? `story "${n}" has no response file in ${join(root, n)}`
            : `story "${n}" has several response files (${candidates.map((c) => basename(c)).join(', ')})`,
        expected: `exactly one of ${BYO_RESPONSE_FILES.join(', ')}`,
        details: { story: n },
      });
    }
    const file = candidates[0]!;
    const m = await openMatrix(file);
    m.close();
    if (nVoxels >= 0 && m.cols !== nVoxels) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${n}" has ${m.cols} voxels (${file}) but story "${first}" has ${nVoxels}`,
        hint: 'Every story must hold the same voxels.',
        details: { story: n, file },
      });
    }
    if (nVoxels < 0) {
      nVoxels = m.cols;
      first = n;
    }
    const trFile = join(root, n, 'trs.tsv');
    const repeats = await repeatFiles(join(root, n), n, m.rows, m.cols);
    info.set(n, { file, rows: m.rows, cols: m.cols, dtype: m.dtype, ...(existsSync(trFile) ? { trFile } : {}), repeats });
  }
  let tr = s.tr;
  if (tr === undefined) {
    const withTimes = [...info.values()].find((i) => i.trFile);
    if (withTimes?.trFile && [...info.values()].every((i) => i.trFile)) {
      const t = parseTimesTsv(await readSource(withTimes.trFile, WHERE), withTimes.trFile);
      tr = t.length > 1 ? (t[t.length - 1]! - t[0]!) / (t.length - 1) : undefined;
    }
    if (tr === undefined) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: WHERE,
        message: `the repetition time is unknown for ${root}`,
        hint: `Pass --tr <seconds> (option "tr"), set "tr" in ${BYO_MANIFEST}, or give every story a trs.tsv.`,
      });
    }
  }
  const trValue = tr;
  const metadata: AssemblyMetadata = {
    subject: s.subject ?? basename(root),
    tr: trValue,
    nVoxels,
    trimming: trim.start === 0 && trim.end === 0 ? 'none' : `start ${trim.start}, end ${trim.end}`,
    provenance: { source: 'byo', root, settings: existsSync(join(root, BYO_MANIFEST)) ? join(root, BYO_MANIFEST) : null },
  };
  const load = async (name: string): Promise<Story> => {
    const i = info.get(name)!;
    const wordsFile = join(root, name, 'words.tsv');
    const words = parseWordsTsv(await readSource(wordsFile, WHERE), wordsFile);
    let trTimes: Float64Array;
    if (i.trFile) {
      trTimes = parseTimesTsv(await readSource(i.trFile, WHERE), i.trFile);
    } else {
      const n = s.nTRs?.[name] ?? i.rows + trim.start + trim.end;
      const t0 = s.firstTrTime ?? trValue / 2;
      trTimes = Float64Array.from({ length: n }, (_, k) => t0 + k * trValue);
    }
    const files = [
      await sourceFile('words', wordsFile),
      await sourceFile('responses', i.file),
      ...(i.trFile ? [await sourceFile('trs', i.trFile)] : []),
      ...(await Promise.all(i.repeats.map((f, k) => sourceFile(`repeat ${k}`, f)))),
    ];
    const readBlock = async (file: string, r: { voxelStart?: number; voxelEnd?: number }): Promise<ResponseBlock> => {
      const [v0, v1] = resolveVoxelRange(r, i.cols, name, WHERE);
      const m = await openMatrix(file);
      try {
        return { rows: i.rows, cols: v1 - v0, data: m.read(0, i.rows, v0, v1), voxelStart: v0 };
      } finally {
        m.close();
      }
    };
    // The story's audio, when its folder holds one (speech features read it in place).
    const audio = BYO_AUDIO_FILES.map((f) => join(root, name, f)).find((f) => existsSync(f));
    const story: Story = {
      name,
      words,
      wordTimes: wordMidpoints(words),
      trTimes,
      trim,
      ...(audio ? { audio: { path: audio } } : {}),
      nResponseRows: i.rows,
      nVoxels: i.cols,
      responses: (r = {}) => readBlock(i.file, r),
      ...(i.repeats.length > 0
        ? {
            nRepeats: i.repeats.length,
            repeatResponses(k: number, r = {}): Promise<ResponseBlock> {
              const file = i.repeats[k];
              if (!Number.isInteger(k) || !file) {
                return Promise.reject(
                  voxelwiseError({
                    code: 'E_DATA_INVALID',
                    where: WHERE,
                    message: `story "${name}" has repeats 0–${i.repeats.length - 1}`,
                    got: k,
                  }),
                );
              }
              return readBlock(file, r);
            },
          }
        : {}),
      metadata: {
        files: { words: wordsFile, responses: i.file, ...(i.trFile ? { trs: i.trFile } : {}) },
        responseDtype: i.dtype,
        source: { files },
      },
    };
    // The same timing checks as an import, also when the dataset is trained on in place.
    return checkSourceStory(story, emit, 'assembly/byo');
  };
  const open = storyCache(load);
  return {
    metadata,
    storyNames: names,
    testStories,
    story(name) {
      if (!info.has(name)) {
        return Promise.reject(unknownStory(name, `${root}`, names, WHERE));
      }
      return open(name, name);
    },
  };
}
