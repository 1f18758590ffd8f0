import { existsSync, readdirSync, statSync } from 'node:fs';
import { readSource } from './read-source.js';
import { join, resolve } from 'node:path';
import { resolveVoxelRange, voxelwiseError, wordMidpoints } from '@voxelwise/core';
import { sha256Bytes } from '@voxelwise/io';
import type { Assembly, AssemblyMetadata, EventSink, ResponseBlock, Story } from '@voxelwise/core';
import { hashFile, sourceFile } from './hash.js';
import { openHdf5Matrix } from './hdf5.js';
import { LEBEL_TIMING, LEBEL_TRIM, lebelTrTimes, lebelWords, lebelWordTier } from './lebel-conventions.js';
import { parseTextGrid } from './textgrid.js';
import { storyCache } from './story-cache.js';
import { checkSourceStory } from './source-timing.js';
import { checkTestStories, unknownStory } from './story-checks.js';

const WHERE = 'assembly:lebel';

/** Options of {@link openLebel} (and of the `lebel` assembly source). */
export interface LebelOptions {
  /** The OpenNeuro ds003020 directory (or its `derivative/` folder). */
  root: string;
  /** Subject folder under `preprocessed_data/`, e.g. `UTS03`. */
  subject: string;
  /** Stories to use, in this order. @default every story with a TextGrid, a respdict entry and a response file (sorted) */
  stories?: readonly string[];
  /** Held-out stories. @default ['wheretheressmoke'] when present, else none */
  testStories?: readonly string[];
  /** Receives a `log` event for each story skipped because a file is missing, and a warning for speech past the end of the scan. */
  emit?: EventSink;
}

/** The files of a LeBel dataset, as found under `root`. */
export interface LebelLayout {
  /** The `derivative/` directory. */
  derivative: string;
  textGridDir: string;
  respdictFile: string;
  responseDir: string;
  /** ds003020's `stimuli/` folder of story audio (`<story>.wav`), when present. */
  stimuliDir?: string;
}

/** Finds the derivative folder and the subject's response folder; `E_FILE_NOT_FOUND` with a hint otherwise. */
export function lebelLayout(root: string, subject: string): LebelLayout {
  const r = resolve(root);
  const derivative = existsSync(join(r, 'derivative')) ? join(r, 'derivative') : r;
  const textGridDir = join(derivative, 'TextGrids');
  const respdictFile = join(derivative, 'respdict.json');
  for (const [what, p] of [
    ['TextGrids folder', textGridDir],
    ['respdict.json', respdictFile],
  ] as const) {
    if (!existsSync(p)) {
      throw voxelwiseError({
        code: 'E_FILE_NOT_FOUND',
        where: WHERE,
        message: `${r} is not a LeBel ds003020 directory: ${what} ${p} is missing`,
        hint: 'Point --root at the ds003020 folder (it holds derivative/TextGrids, derivative/respdict.json and derivative/preprocessed_data/<subject>).',
        details: { file: p },
      });
    }
  }
  const pre = join(derivative, 'preprocessed_data');
  const subjects = existsSync(pre)
    ? readdirSync(pre)
        .filter((d) => statSync(join(pre, d)).isDirectory())
        .sort()
    : [];
  const match = subjects.find((s) => s === subject) ?? subjects.find((s) => s.toLowerCase() === subject.toLowerCase());
  if (!match) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `subject "${subject}" has no folder ${join(pre, subject)}`,
      expected: subjects,
      hint: subjects.length
        ? `Subjects found: ${subjects.join(', ')}.`
        : 'Download the preprocessed responses (derivative/preprocessed_data) first.',
      details: { file: join(pre, subject) },
    });
  }
  // ds003020 keeps the audio beside derivative/: <root>/stimuli/<story>.wav.
  const stimuliDir = [join(r, 'stimuli'), join(derivative, '..', 'stimuli')].find((d) => existsSync(d));
  return {
    derivative,
    textGridDir,
    respdictFile,
    responseDir: join(pre, match),
    ...(stimuliDir ? { stimuliDir: resolve(stimuliDir) } : {}),
  };
}

/** Reads respdict.json: story → number of TRs. */
export async function readRespdict(file: string): Promise<Record<string, number>> {
  let json: unknown;
  const text = (await readSource(file, WHERE)).toString('utf8');
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} is not valid JSON`, cause, details: { file } });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${file} must map story names to TR counts`, details: { file } });
  }
  for (const [k, v] of Object.entries(json)) {
    if (!Number.isInteger(v) || (v as number) < 0) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${file}: the TR count of story "${k}" is not a whole number`,
        got: v,
        details: { file, story: k },
      });
    }
  }
  return json as Record<string, number>;
}

const listStories = (dir: string, ext: string): Set<string> =>
  new Set(
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(ext))
          .map((f) => f.slice(0, -ext.length))
      : [],
  );

/**
 * Opens a LeBel ds003020 subject as an assembly, following the Huth conventions
 * (`HuthLab/deep-fMRI-dataset`: encoding/ridge_utils/dsutils.py `make_word_ds`,
 * stimulus_utils.py `load_simulated_trfiles`, encoding_utils.py `get_response`): words from the TextGrid word tier with
 * non-speech labels dropped; word times at interval midpoints; TR grid from respdict.json
 * (`respdict − 5` TRs at `2k − 9` s); responses from `preprocessed_data/<subject>/<story>.hf5`
 * dataset `data`, trimmed `[10:-5]` relative to the grid (hf5 rows = respdict − 20; any other
 * count is an `E_ALIGNMENT` error naming the story and both counts). Responses are read lazily,
 * one voxel range at a time.
 *
 * @example
 * const assembly = await openLebel({ root: '/data/ds003020', subject: 'UTS03' });
 */
export async function openLebel(options: LebelOptions): Promise<Assembly> {
  const layout = lebelLayout(options.root, options.subject);
  const respdict = await readRespdict(layout.respdictFile);
  const grids = listStories(layout.textGridDir, '.TextGrid');
  const hf5s = listStories(layout.responseDir, '.hf5');
  let names: string[];
  if (options.stories) {
    names = [...options.stories];
    for (const s of names) {
      const missing = [
        !grids.has(s) && join(layout.textGridDir, `${s}.TextGrid`),
        !(s in respdict) && `an entry in ${layout.respdictFile}`,
        !hf5s.has(s) && join(layout.responseDir, `${s}.hf5`),
      ].filter(Boolean);
      if (missing.length > 0) {
        throw voxelwiseError({
          code: 'E_FILE_NOT_FOUND',
          where: WHERE,
          message: `story "${s}" is missing ${missing.join(' and ')}`,
          details: { story: s, missing },
        });
      }
    }
  } else {
    const all = new Set([...grids, ...hf5s]);
    names = [...all].filter((s) => grids.has(s) && hf5s.has(s) && s in respdict).sort();
    for (const s of [...all].sort()) {
      if (!names.includes(s)) {
        const why = !grids.has(s) ? 'no TextGrid' : !hf5s.has(s) ? 'no response file' : 'no respdict entry';
        options.emit?.({ type: 'log', level: 'info', message: `LeBel story "${s}" skipped (${why})`, stage: 'assembly/lebel' });
      }
    }
    if (names.length === 0) {
      throw voxelwiseError({
        code: 'E_FILE_NOT_FOUND',
        where: WHERE,
        message: `no story of subject ${options.subject} has a TextGrid, a respdict entry and a response file`,
        hint: `Looked in ${layout.textGridDir} and ${layout.responseDir}.`,
      });
    }
  }
  const testStories = options.testStories ? [...options.testStories] : names.includes('wheretheressmoke') ? ['wheretheressmoke'] : [];
  checkTestStories(testStories, names, 'story', WHERE);

  // Shapes first: LeBel alignment and equal voxel counts are checked before any data is read.
  const shapes = new Map<string, { rows: number; cols: number; file: string; dtype: string }>();
  let nVoxels = -1;
  let firstStory = '';
  for (const s of names) {
    const file = join(layout.responseDir, `${s}.hf5`);
    const m = await openHdf5Matrix(file);
    m.close();
    const expected = respdict[s]! - LEBEL_TIMING.pad - LEBEL_TRIM.start - LEBEL_TRIM.end;
    if (m.rows !== expected) {
      throw voxelwiseError({
        code: 'E_ALIGNMENT',
        where: WHERE,
        message: `story "${s}": ${file} has ${m.rows} response rows but respdict.json gives ${respdict[s]} TRs; LeBel alignment needs respdict − 20 = ${expected} rows (features [10:-5] of respdict − 5 TRs)`,
        got: m.rows,
        expected,
        hint: 'Check that the response file and respdict.json come from the same ds003020 release.',
        details: { story: s, file, respdict: respdict[s] },
      });
    }
    if (nVoxels >= 0 && m.cols !== nVoxels) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `story "${s}" has ${m.cols} voxels (${file}) but story "${firstStory}" has ${nVoxels}`,
        hint: 'Every story of a subject must hold the same voxels.',
        details: { story: s, file },
      });
    }
    if (nVoxels < 0) {
      nVoxels = m.cols;
      firstStory = s;
    }
    shapes.set(s, { rows: m.rows, cols: m.cols, file, dtype: m.dtype });
  }

  const respdictDigest = await hashFile(layout.respdictFile);
  const metadata: AssemblyMetadata = {
    subject: options.subject,
    tr: LEBEL_TIMING.tr,
    nVoxels,
    trimming: 'lebel',
    provenance: {
      source: 'lebel-ds003020',
      root: resolve(options.root),
      conventions:
        'Huth deep-fMRI-dataset: word tier minus non-speech labels, midpoints, respdict − 5 TRs at 2k − 9 s, responses = features [10:-5]',
      respdict: { path: layout.respdictFile, ...respdictDigest },
    },
  };
  const load = async (name: string): Promise<Story> => {
    const gridFile = join(layout.textGridDir, `${name}.TextGrid`);
    const shape = shapes.get(name)!;
    const bytes = await readSource(gridFile, WHERE, 'TextGrid');
    const grid = parseTextGrid(bytes, gridFile);
    const words = lebelWords(grid, gridFile);
    const trTimes = lebelTrTimes(respdict[name]!);
    const read = async (r: { voxelStart?: number; voxelEnd?: number } = {}): Promise<ResponseBlock> => {
      const [v0, v1] = resolveVoxelRange(r, shape.cols, name, WHERE);
      const m = await openHdf5Matrix(shape.file);
      try {
        return { rows: shape.rows, cols: v1 - v0, data: m.read(0, shape.rows, v0, v1), voxelStart: v0 };
      } finally {
        m.close();
      }
    };
    const audio = layout.stimuliDir ? join(layout.stimuliDir, `${name}.wav`) : undefined;
    const story: Story = {
      name,
      words,
      wordTimes: wordMidpoints(words),
      trTimes,
      trim: LEBEL_TRIM,
      // The audio stays where it is; speech extractors hash it for their cache key.
      ...(audio && existsSync(audio) ? { audio: { path: audio } } : {}),
      nResponseRows: shape.rows,
      nVoxels: shape.cols,
      responses: read,
      metadata: {
        files: { words: gridFile, responses: shape.file },
        respdictTRs: respdict[name],
        textgrid: { format: grid.format, encoding: grid.encoding, wordTier: lebelWordTier(grid, gridFile).name },
        responseDtype: shape.dtype,
        source: {
          files: [
            { role: 'textgrid', path: gridFile, bytes: bytes.byteLength, sha256: sha256Bytes(bytes) },
            await sourceFile('responses', shape.file),
          ],
        },
      },
    };
    // The same timing checks as an import: in-place training never sees words an import refuses.
    return checkSourceStory(story, options.emit, 'assembly/lebel');
  };
  const open = storyCache(load);
  return {
    metadata,
    storyNames: names,
    testStories,
    story(name) {
      if (!shapes.has(name)) {
        return Promise.reject(unknownStory(name, `subject ${options.subject}`, names, WHERE));
      }
      return open(name, name);
    },
  };
}
