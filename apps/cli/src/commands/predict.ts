import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { createContext, voxelwiseError } from '@voxelwise/core';
import type { FeatureSet } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import type { Command } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import { importWeb } from './export-web.js';

const options = {
  text: { type: 'string', value: '<file>', description: 'Plain text, its words timed by --rate' },
  rate: { type: 'string', value: '<words/s>', description: 'Reading rate for --text (default 2.5)' },
  words: { type: 'string', value: '<tsv>', description: 'Timed words: word<TAB>onset<TAB>offset (seconds), optional header' },
  textgrid: { type: 'string', value: '<file>', description: "A Praat TextGrid; its word tier, Huth's non-speech labels dropped" },
  out: { type: 'string', value: '<file>', description: 'Where the prediction goes: .npy (TRs × voxels float32) or .csv (time, v0, v1, …)' },
} as const;

/**
 * `voxelwise predict`: a run's predicted response of every voxel to a new text, in Node — the
 * pipeline the exported web page runs (lm features, the run's downsampler, delays and z-scoring,
 * then X·W), with the run's own `lm` extractor on onnxruntime-node and its float32 weights.
 */
export const predictCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise predict <run-dir> (--text <file> [--rate <words/s>] | --words <tsv> | --textgrid <file>) --out <pred.npy|pred.csv>'],
    description: `Predicts every voxel's response to a text with a fitted run (one lm extractor, and any
other extractors that read only words, such as wordrate): words are timed
by a reading rate, a words TSV or a TextGrid, put on a TR grid of the run's TR (centres tr/2 + k·tr,
through the last word plus the longest delay), and z-scored over the text's own TRs as the run
z-scored each story. The numbers equal the page written by voxelwise export web.`,
    options,
    examples: [
      'voxelwise predict results/demo-20260101-120000-1a2b3c4d --text story.txt --rate 2.5 --out pred.npy',
      'voxelwise predict results/demo-20260101-120000-1a2b3c4d --textgrid story.TextGrid --out pred.csv',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('predict', options, args);
    if (positionals.length !== 1)
      throw usageError('predict needs one run directory: voxelwise predict <run-dir> --text <file> --out <file>');
    const inputs = (['text', 'words', 'textgrid'] as const).filter((k) => values[k] !== undefined);
    if (inputs.length !== 1) throw usageError('predict needs exactly one of --text, --words, --textgrid');
    if (!values.out) throw usageError('predict needs --out <file.npy|file.csv>');
    const out = resolve(values.out);
    const format = extname(out).toLowerCase();
    if (format !== '.npy' && format !== '.csv') throw usageError(`--out must end in .npy or .csv (got ${values.out})`);
    const rate = values.rate === undefined ? 2.5 : Number(values.rate);
    if (!(rate > 0)) throw usageError(`--rate must be a positive number of words per second (got ${values.rate})`);
    const mode = inputs[0]!;
    const file = resolve(values[mode]!);
    const web = await importWeb('voxelwise predict');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw voxelwiseError({
        code: 'E_FILE_NOT_FOUND',
        where: 'cli:predict',
        message: `cannot read --${mode} ${file}`,
        cause,
        details: { file },
      });
    }
    const timed = web.timedWords(mode === 'words' ? 'tsv' : mode, text, { wordsPerSecond: rate, source: file });
    if (timed.words.length === 0) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: 'cli:predict',
        message: `--${mode} ${file} holds no words`,
        details: { file },
      });
    }
    const run = await web.readRunModel(positionals[0]!);
    const trTimes = web.trGridFor(timed.times, run.tr, run.design.delays);
    const registry = await env.registry();
    const ctx = createContext({ cacheDir: run.cacheDir, ...(env.signal ? { signal: env.signal } : {}) });
    const story = web.textStory(timed, trTimes);
    // Every extractor of the run, in its order, as the trainer ran them (lm without its cache).
    const parts: FeatureSet[] = [];
    for (const f of run.features) {
      const extractor = await registry.create(
        'extractor',
        { name: f.name, options: f.name === 'lm' ? { ...run.lm, cache: false } : f.options },
        ctx,
      );
      try {
        parts.push(await extractor.extract(story, ctx));
      } finally {
        await extractor.dispose?.();
      }
    }
    const P = web.predictResponses(web.designMatrix(parts, timed.times, trTimes, run.design), { kind: 'dense', W: run.weights });
    await writeFileAtomic(out, format === '.npy' ? web.predictionNpy(P) : web.predictionCsv(P, trTimes));
    env.out.write(`${timed.words.length} words → ${P.rows} TRs × ${P.cols} voxels (TR ${run.tr} s) → ${out}\n`);
    return 0;
  },
};
