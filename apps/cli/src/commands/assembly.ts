import type { AssemblySummary, ValidationIssue, WriteAssemblyResult } from '@voxelwise/assembly';
import type { Assembly, EventSink } from '@voxelwise/core';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { formatOptions, parseOptions } from '../options.js';
import type { OptionTable, OptionValues } from '../options.js';

// Each option once; the subcommands' tables below pick from these, and both parsing and help
// come from those tables.
const root = {
  type: 'string',
  value: '<dir>',
  description: 'ds003020 folder (holds derivative/TextGrids, respdict.json, preprocessed_data)',
} as const;
const subject = { type: 'string', value: '<name>', description: 'Folder under derivative/preprocessed_data (e.g. UTS03)' } as const;
const stories = {
  type: 'string',
  value: '<a,b,…>',
  description: 'Only these stories (default: every story with all its files)',
} as const;
const testStories = {
  type: 'string',
  value: '<a,…>',
  description: 'Held-out stories (default: wheretheressmoke when present)',
} as const;
const out = { type: 'string', value: '<dir>', description: 'Assembly directory to create (written atomically)' } as const;
const voxelChunk = { type: 'string', value: '<n>', description: 'Voxels per Arrow record batch (default 4096)' } as const;
const zeroNonfinite = { type: 'boolean', description: 'Set NaN/Inf responses to 0 (recorded) instead of failing' } as const;
const skipHashes = {
  type: 'boolean',
  description: 'Do not hash the source files (faster; provenance keeps paths and sizes)',
} as const;
const overwrite = { type: 'boolean', description: 'Replace an existing output directory once the new one is complete' } as const;
const tr = { type: 'string', value: '<seconds>', description: 'Repetition time (or "tr" in byo.json, or trs.tsv per story)' } as const;
const firstTrTime = { type: 'string', value: '<s>', description: 'Centre of the first TR on the word-time axis (default TR/2)' } as const;
const trimStart = { type: 'string', value: '<n>', description: 'Response row 0 is TR n of the grid (default 0)' } as const;
const trimEnd = { type: 'string', value: '<n>', description: 'The last n TRs of the grid have no response (default 0)' } as const;
const json = { type: 'boolean', description: 'Print JSON' } as const;
const openLayout = {
  type: 'string',
  value: '<native|lebel|byo|narratives|lpp>',
  description: 'An assembly directory (default), or read ds003020, a byo folder, ds002345 or ds003643 directly',
} as const;

const lebelInput = { root, subject, stories, 'test-stories': testStories } as const;
const byoTiming = { tr, 'first-tr-time': firstTrTime, 'trim-start': trimStart, 'trim-end': trimEnd } as const;
const writeFlags = { out, 'voxel-chunk': voxelChunk, 'zero-nonfinite': zeroNonfinite, 'skip-hashes': skipHashes, overwrite } as const;

const importLebelOptions = { ...lebelInput, ...writeFlags } as const;
const datasetInput = {
  ...lebelInput,
  root: { ...root, description: 'Dataset folder (byo: one folder per story; lebel: ds003020)' },
  subject: { ...subject, description: 'Subject name (lebel: folder under derivative/preprocessed_data)' },
} as const;
const importOptions = {
  layout: { type: 'string', value: '<byo|lebel>', description: 'Source layout (default byo; see the @voxelwise/assembly README)' },
  ...datasetInput,
  ...byoTiming,
  ...writeFlags,
} as const;
const brainRoot = { ...root, description: 'Dataset folder (ds002345 for Narratives, ds003643 for Le Petit Prince)' } as const;
const brainSubject = { ...subject, description: 'Subject (sub-001 or 001; LPP: sub-EN057 or EN057)' } as const;
const brainTrim = {
  type: 'string',
  value: '<litcoder|none|start:end>',
  description: 'Rows dropped at each end of a run (default litcoder: Narratives [14:-9], LPP [5:-5])',
} as const;
const brainSharedOptions = {
  root: brainRoot,
  subject: brainSubject,
  res: { type: 'string', value: '<label>', description: 'Resolution entity (res-<label>) when the folder holds several' },
  pipeline: { type: 'string', value: '<name>', description: 'Folder under derivatives/ (Narratives default fmriprep)' },
  tr: { ...tr, description: 'Repetition time (default 1.5 for Narratives, 2 for LPP)' },
  trim: brainTrim,
  mask: { type: 'string', value: '<file>', description: 'Brain mask for every run (default: the intersection of the runs’ masks)' },
} as const;
const narrativesInput = {
  ...brainSharedOptions,
  space: { type: 'string', value: '<space>', description: 'fsaverage6 (default), fsaverage5, fsnative, or MNI152NLin2009cAsym (volume)' },
  tasks: { type: 'string', value: '<a,b,…>', description: 'Only these tasks (default: every task with BOLD files and an align.json)' },
  'test-tasks': { type: 'string', value: '<a,…>', description: 'Held-out tasks (default none: nested cross-validation)' },
  unaligned: { type: 'string', value: '<interpolate|drop>', description: 'Words Gentle did not find in the audio (default interpolate)' },
  'mesh-dir': { type: 'string', value: '<dir>', description: 'FreeSurfer folder of the space (default derivatives/freesurfer/<space>)' },
} as const;
const lppInput = {
  ...brainSharedOptions,
  space: { type: 'string', value: '<space>', description: 'Volume space (default MNI152NLin2009cAsym)' },
  words: { type: 'string', value: '<file>', description: 'Word annotation CSV/TSV (default annotation/EN/*word*.csv)' },
  'test-runs': { type: 'string', value: '<a,…>', description: 'Held-out runs, e.g. lppEN_run-9 (default none: nested cross-validation)' },
} as const;
const importNarrativesOptions = { ...narrativesInput, ...writeFlags } as const;
const importLppOptions = { ...lppInput, ...writeFlags } as const;

const infoOptions = { ...narrativesInput, ...lppInput, layout: openLayout, ...datasetInput, ...byoTiming, json } as const;
const validateOptions = {
  ...infoOptions,
  'skip-hashes': { ...skipHashes, description: 'Do not check the file hashes of an assembly directory' },
} as const;
const simulateBrainOptions = {
  'ico-order': {
    type: 'string',
    value: '<k>',
    description: 'narratives: mesh of 10·4^k + 2 vertices per hemisphere, space fsaverage<k> (default 3; 6 = fsaverage6)',
  },
  'region-radius': {
    type: 'string',
    value: '<r>',
    description: 'Planted region radius: degrees on the sphere (narratives, default 30) or mm (lpp, default 12)',
  },
  space: {
    type: 'string',
    value: '<fsaverage|MNI152NLin2009cAsym>',
    description: 'narratives: surface series (default) or MNI volume series with brain masks',
  },
  shape: { type: 'string', value: '<nx,ny,nz>', description: 'Volumes: grid (default 20,24,20; MNI 2 mm is 97,115,97)' },
  'voxel-size': { type: 'string', value: '<mm>', description: 'Volumes: voxel size (default 4)' },
} as const;
const simulateOptions = {
  out: { ...out, description: 'Directory to write' },
  layout: {
    type: 'string',
    value: '<native|lebel|narratives|lpp>',
    description: 'Arrow assembly (default), the ds003020 layout (TextGrids, hf5), ds002345 (Narratives) or ds003643 (LPP)',
  },
  ...simulateBrainOptions,
  seed: { type: 'string', value: '<n>', description: 'Seed (default 0)' },
  stories: { type: 'string', value: '<n>', description: 'Stories, the test story included (default 4)' },
  duration: { type: 'string', value: '<s>', description: 'Seconds per story (default 360)' },
  voxels: { type: 'string', value: '<n>', description: 'Voxels (default 40)' },
  'planted-fraction': { type: 'string', value: '<f>', description: 'Fraction of voxels with a planted response (default 0.5)' },
  features: { type: 'string', value: '<wordrate|embedding>', description: 'What the planted voxels respond to (default wordrate)' },
  extractor: { type: 'string', value: '<name>', description: "Plant on a registered extractor's output instead of --features" },
  'embedding-dim': { type: 'string', value: '<n>', description: 'Dimensions of --features embedding (default 8)' },
  'snr-min': { type: 'string', value: '<x>', description: 'Lowest signal-to-noise ratio of planted voxels (default 0.25)' },
  'snr-max': { type: 'string', value: '<x>', description: 'Highest signal-to-noise ratio of planted voxels (default 4)' },
  ar1: { type: 'string', value: '<x>', description: 'AR(1) coefficient of the noise (default 0.3)' },
  'test-repeats': { type: 'string', value: '<n>', description: 'Repeats of the test story (default 10)' },
  subject: { ...subject, description: 'Subject name (default sim-<seed>)' },
  overwrite,
} as const;

/** Every option of every subcommand: what handlers read parsed values as. */
type Values = OptionValues<typeof importOptions> &
  OptionValues<typeof infoOptions> &
  OptionValues<typeof validateOptions> &
  OptionValues<typeof simulateOptions> &
  OptionValues<typeof importNarrativesOptions> &
  OptionValues<typeof importLppOptions>;

type AssemblyModule = typeof import('@voxelwise/assembly');

/** One `voxelwise assembly <name>`: its synopsis, option table and handler. */
interface Subcommand {
  summary: string;
  usage: readonly string[];
  options: OptionTable;
  notes?: string;
  run(values: Values, positionals: string[], env: CommandEnv, args: readonly string[]): Promise<number>;
}

function num(values: Values, key: keyof Values, kind: 'int' | 'number' = 'number'): number | undefined {
  const raw = values[key];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(v) || (kind === 'int' && !Number.isInteger(v))) {
    throw usageError(`--${key} must be ${kind === 'int' ? 'an integer' : 'a number'} (got "${String(raw)}")`);
  }
  return v;
}

function need(values: Values, key: keyof Values, sub: string): string {
  const v = values[key];
  if (typeof v !== 'string' || v === '') throw usageError(`assembly ${sub} needs --${key}`);
  return v;
}

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0);

function noPositionals(sub: string, positionals: string[]): void {
  if (positionals.length > 0) throw usageError(`assembly ${sub} takes no positional arguments (got "${positionals.join(' ')}")`);
}

const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);

async function withLogger(env: CommandEnv): Promise<{ emit: EventSink; close: () => Promise<void> }> {
  const { consoleLogger } = await import('@voxelwise/trainer');
  const logger = consoleLogger({ stream: env.err });
  return { emit: (e) => logger.handle(e), close: async () => void (await logger.close?.()) };
}

function writeOptions(values: Values, emit: EventSink, env: CommandEnv) {
  const chunk = num(values, 'voxel-chunk', 'int');
  return {
    overwrite: values.overwrite === true,
    nonFinite: values['zero-nonfinite'] ? ('zero' as const) : ('error' as const),
    hashSources: values['skip-hashes'] !== true,
    ...(chunk !== undefined ? { voxelChunk: chunk } : {}),
    emit,
    ...(env.signal ? { signal: env.signal } : {}),
  };
}

function byoSource(values: Values, root: string) {
  const trimStart = num(values, 'trim-start', 'int');
  const trimEnd = num(values, 'trim-end', 'int');
  const tr = num(values, 'tr');
  const first = num(values, 'first-tr-time');
  const stories = list(values.stories);
  const testStories = list(values['test-stories']);
  return {
    root,
    ...(values.subject ? { subject: values.subject } : {}),
    ...(tr !== undefined ? { tr } : {}),
    ...(first !== undefined ? { firstTrTime: first } : {}),
    ...(trimStart !== undefined || trimEnd !== undefined ? { trim: { start: trimStart ?? 0, end: trimEnd ?? 0 } } : {}),
    ...(stories ? { stories } : {}),
    ...(testStories ? { testStories } : {}),
  };
}

function lebelSource(values: Values, sub: string, emit?: EventSink) {
  const stories = list(values.stories);
  const testStories = list(values['test-stories']);
  return {
    root: need(values, 'root', sub),
    subject: need(values, 'subject', sub),
    ...(stories ? { stories } : {}),
    ...(testStories ? { testStories } : {}),
    ...(emit ? { emit } : {}),
  };
}

function trimOption(values: Values): 'litcoder' | 'none' | { start: number; end: number } | undefined {
  const t = values.trim;
  if (t === undefined || t === 'litcoder' || t === 'none') return t;
  const m = /^(\d+):(\d+)$/.exec(t);
  if (!m) throw usageError(`--trim must be litcoder, none or <start>:<end> (rows dropped at each end), got "${t}"`);
  return { start: Number(m[1]), end: Number(m[2]) };
}

function brainShared(values: Values, sub: string) {
  const t = num(values, 'tr');
  const trim = trimOption(values);
  return {
    root: need(values, 'root', sub),
    subject: need(values, 'subject', sub),
    ...(values.space ? { space: values.space } : {}),
    ...(values.res ? { res: values.res } : {}),
    ...(values.pipeline ? { pipeline: values.pipeline } : {}),
    ...(t !== undefined ? { tr: t } : {}),
    ...(trim !== undefined ? { trim } : {}),
    ...(values.mask ? { mask: values.mask } : {}),
  };
}

function narrativesSource(values: Values, sub: string) {
  const tasks = list(values.tasks);
  const testTasks = list(values['test-tasks']);
  const unaligned = values.unaligned;
  if (unaligned !== undefined && unaligned !== 'interpolate' && unaligned !== 'drop')
    throw usageError(`--unaligned must be interpolate or drop (got "${unaligned}")`);
  return {
    ...brainShared(values, sub),
    ...(tasks ? { tasks } : {}),
    ...(testTasks ? { testTasks } : {}),
    ...(unaligned ? { unaligned: unaligned as 'interpolate' | 'drop' } : {}),
    ...(values['mesh-dir'] ? { meshDir: values['mesh-dir'] } : {}),
  };
}

function lppSource(values: Values, sub: string) {
  const testRuns = list(values['test-runs']);
  return { ...brainShared(values, sub), ...(values.words ? { words: values.words } : {}), ...(testRuns ? { testRuns } : {}) };
}

function report(env: CommandEnv, res: WriteAssemblyResult, ms: number): void {
  const m = res.manifest;
  const responseBytes = m.stories.reduce((t, s) => t + s.nResponseRows * s.nVoxels * 4 * (1 + (s.nRepeats ?? 0)), 0);
  env.out.write(`wrote ${res.dir}\n`);
  env.out.write(`  subject ${m.subject}, ${m.stories.length} stories, ${m.nVoxels} voxels, ${mb(res.bytes)} on disk\n`);
  env.out.write(`  ${(ms / 1000).toFixed(2)} s, ${(responseBytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s of responses\n`);
  if (res.warnings.length > 0)
    env.out.write(`  ${res.warnings.length} warning(s):\n${res.warnings.map((w) => `    ${w.message}\n`).join('')}`);
}

/** Opens the assembly a subcommand points at: a native directory, or --layout lebel/byo. */
async function openSource(a: AssemblyModule, values: Values, positionals: string[], sub: string): Promise<Assembly> {
  const layout = values.layout ?? 'native';
  if (layout === 'native' || layout === 'arrow') {
    const dir = positionals[0];
    if (!dir) throw usageError(`assembly ${sub} needs an assembly directory (or --layout lebel|byo --root <dir>)`);
    return a.openAssembly(dir);
  }
  if (layout === 'lebel') return a.openLebel(lebelSource(values, sub));
  if (layout === 'byo') return a.openByo(byoSource(values, need(values, 'root', sub)));
  if (layout === 'narratives') return a.openNarratives(narrativesSource(values, sub));
  if (layout === 'lpp') return a.openLpp(lppSource(values, sub));
  throw usageError(`--layout must be native, lebel, byo, narratives or lpp (got "${layout}")`);
}

function table(s: AssemblySummary): string {
  const head = ['story', 'TRs', 'rows', 'trim', 'words', 'voxels', 'size', ''];
  const rows = s.stories.map((x) => [
    x.name,
    String(x.nTRs),
    String(x.nRows),
    `${x.trim.start}/${x.trim.end}`,
    String(x.nWords),
    String(x.nVoxels),
    mb(x.fileBytes ?? x.responseBytes),
    x.test ? `test${x.nRepeats ? ` (${x.nRepeats} repeats)` : ''}` : '',
  ]);
  rows.push([
    'total',
    String(s.totals.nTRs),
    String(s.totals.nRows),
    '',
    String(s.totals.nWords),
    String(s.nVoxels),
    mb(s.totals.fileBytes ?? s.totals.responseBytes),
    '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 1 && i <= 6 && i !== 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.slice(0, -1).map(line), line(widths.map((w) => '─'.repeat(w))), line(rows.at(-1)!)].join('\n');
}

/** `assembly simulate --layout narratives|lpp`: a simulated subject in the OpenNeuro layout. */
async function simulateBrain(layout: 'narratives' | 'lpp', out: string, values: Values, env: CommandEnv): Promise<number> {
  const features = values.features;
  if (features !== undefined && features !== 'wordrate' && features !== 'embedding')
    throw usageError(`--features must be wordrate or embedding (got "${features}")`);
  for (const k of ['voxels', 'planted-fraction', 'test-repeats', 'extractor'] as const) {
    if (values[k] !== undefined) throw usageError(`--${k} does not apply to --layout ${layout}`);
  }
  const simSpace = values.space;
  if (simSpace !== undefined && (layout !== 'narratives' || (simSpace !== 'fsaverage' && simSpace !== 'MNI152NLin2009cAsym')))
    throw usageError(`--space must be fsaverage or MNI152NLin2009cAsym, with --layout narratives (got "${simSpace}")`);
  let shape: number[] | undefined;
  if (values.shape !== undefined) {
    shape = values.shape.split(',').map(Number);
    if (shape.length !== 3 || shape.some((n) => !Number.isInteger(n) || n < 4))
      throw usageError(`--shape must be three whole numbers ≥ 4 (got "${values.shape}")`);
  }
  const opt = {
    seed: num(values, 'seed', 'int'),
    stories: num(values, 'stories', 'int'),
    duration: num(values, 'duration'),
    features,
    embeddingDim: num(values, 'embedding-dim', 'int'),
    snrMin: num(values, 'snr-min'),
    snrMax: num(values, 'snr-max'),
    ar1: num(values, 'ar1'),
    subject: values.subject,
    regionRadius: num(values, 'region-radius'),
    ...(layout === 'narratives' ? { icoOrder: num(values, 'ico-order', 'int'), space: simSpace } : {}),
    shape,
    voxelSize: num(values, 'voxel-size'),
  };
  const volume = layout === 'lpp' || simSpace === 'MNI152NLin2009cAsym';
  if (!volume && (values.shape !== undefined || values['voxel-size'] !== undefined))
    throw usageError('--shape and --voxel-size apply to volumes (--layout lpp, or narratives with --space MNI152NLin2009cAsym)');
  if (volume && values['ico-order'] !== undefined) throw usageError('--ico-order applies to surfaces (--layout narratives) only');
  const options = Object.fromEntries(Object.entries(opt).filter(([, v]) => v !== undefined));
  const a = await import('@voxelwise/assembly');
  const log = await withLogger(env);
  const t0 = Date.now();
  let sim: Awaited<ReturnType<AssemblyModule['writeSimulatedLpp']>>;
  try {
    const common = { overwrite: values.overwrite === true, emit: log.emit, ...(env.signal ? { signal: env.signal } : {}) };
    sim =
      layout === 'narratives' ? await a.writeSimulatedNarratives(options, out, common) : await a.writeSimulatedLpp(options, out, common);
  } finally {
    await log.close();
  }
  const name = layout === 'narratives' ? 'Narratives ds002345 layout' : 'Le Petit Prince ds003643 layout';
  env.out.write(`wrote ${out} (${name})\n`);
  env.out.write(
    `  subject ${sim.subject}, ${sim.stories.length} stories (${sim.stories.join(', ')}), space ${sim.space}, ${sim.truth.planted.length} planted columns\n`,
  );
  env.out.write(`  ground truth in ${out}/simulation/ground-truth.json; ${((Date.now() - t0) / 1000).toFixed(2)} s\n`);
  env.out.write(
    `  import it with: voxelwise assembly import-${layout} --root ${out} --subject ${sim.subject}${layout === 'narratives' ? ` --space ${sim.space}` : ''} --out <dir>\n`,
  );
  return 0;
}

const subcommands: Record<string, Subcommand> = {
  'import-lebel': {
    summary: 'Import a subject of OpenNeuro ds003020 (LeBel et al. 2023)',
    usage: ['voxelwise assembly import-lebel --root <ds003020> --subject <UTS03> --out <dir>'],
    options: importLebelOptions,
    async run(values, positionals, env) {
      noPositionals('import-lebel', positionals);
      const a = await import('@voxelwise/assembly');
      const out = need(values, 'out', 'import-lebel');
      const log = await withLogger(env);
      const t0 = Date.now();
      let res: WriteAssemblyResult;
      try {
        res = await a.importLebel(lebelSource(values, 'import-lebel'), out, writeOptions(values, log.emit, env));
      } finally {
        await log.close();
      }
      report(env, res, Date.now() - t0);
      return 0;
    },
  },

  'import-narratives': {
    summary: 'Import a subject of OpenNeuro ds002345 (Narratives; fMRIPrep surface or volume)',
    usage: ['voxelwise assembly import-narratives --root <ds002345> --subject <sub-001> [--space fsaverage6] --out <dir>'],
    options: importNarrativesOptions,
    notes: 'Stories are the tasks the subject heard; no test story by default (runs use nested cross-validation).',
    async run(values, positionals, env) {
      noPositionals('import-narratives', positionals);
      const a = await import('@voxelwise/assembly');
      const out = need(values, 'out', 'import-narratives');
      const log = await withLogger(env);
      const t0 = Date.now();
      let res: WriteAssemblyResult;
      try {
        res = await a.importNarratives(narrativesSource(values, 'import-narratives'), out, writeOptions(values, log.emit, env));
      } finally {
        await log.close();
      }
      report(env, res, Date.now() - t0);
      return 0;
    },
  },

  'import-lpp': {
    summary: 'Import an English subject of OpenNeuro ds003643 (Le Petit Prince; MNI volumes)',
    usage: ['voxelwise assembly import-lpp --root <ds003643> --subject <sub-EN057> --out <dir>'],
    options: importLppOptions,
    notes: 'One story per run (section); no test story by default (runs use nested cross-validation).',
    async run(values, positionals, env) {
      noPositionals('import-lpp', positionals);
      const a = await import('@voxelwise/assembly');
      const out = need(values, 'out', 'import-lpp');
      const log = await withLogger(env);
      const t0 = Date.now();
      let res: WriteAssemblyResult;
      try {
        res = await a.importLpp(lppSource(values, 'import-lpp'), out, writeOptions(values, log.emit, env));
      } finally {
        await log.close();
      }
      report(env, res, Date.now() - t0);
      return 0;
    },
  },

  import: {
    summary: 'Import a bring-your-own dataset (--layout byo) or LeBel (--layout lebel)',
    usage: [
      'voxelwise assembly import --layout byo --root <dir> --out <dir> [--tr <s>]',
      'voxelwise assembly import --layout lebel --root <ds003020> --subject <name> --out <dir>',
    ],
    options: importOptions,
    notes: '--tr, --first-tr-time and --trim-* apply to --layout byo only.',
    async run(values, positionals, env, args) {
      const layout = values.layout ?? 'byo';
      if (layout === 'lebel') {
        // The lebel layout takes import-lebel's options (and --layout): parse again with that table.
        const lebel = parseOptions('assembly import --layout lebel', { layout: importOptions.layout, ...importLebelOptions }, args);
        return subcommands['import-lebel']!.run(lebel.values as Values, lebel.positionals, env, args);
      }
      if (layout !== 'byo') throw usageError(`assembly import --layout must be byo or lebel (got "${layout}")`);
      noPositionals('import', positionals);
      const a = await import('@voxelwise/assembly');
      const out = need(values, 'out', 'import');
      const log = await withLogger(env);
      const t0 = Date.now();
      let res: WriteAssemblyResult;
      try {
        res = await a.importByo(byoSource(values, need(values, 'root', 'import')), out, writeOptions(values, log.emit, env));
      } finally {
        await log.close();
      }
      report(env, res, Date.now() - t0);
      return 0;
    },
  },

  info: {
    summary: 'Stories, TRs, words, voxels and sizes as a table',
    usage: [
      'voxelwise assembly info <dir> [--json]',
      'voxelwise assembly info --layout lebel --root <ds003020> --subject <name>',
      'voxelwise assembly info --layout byo --root <dir> [--tr <s>]',
    ],
    options: infoOptions,
    async run(values, positionals, env) {
      const a = await import('@voxelwise/assembly');
      const s = await a.summarizeAssembly(await openSource(a, values, positionals, 'info'));
      if (values.json) {
        env.out.write(`${JSON.stringify(s, null, 2)}\n`);
        return 0;
      }
      env.out.write(`${a.summaryHeadline(s)}\n\n${table(s)}\n`);
      return 0;
    },
  },

  simulate: {
    summary: 'Write a simulated subject with a planted encoding model',
    usage: ['voxelwise assembly simulate --out <dir> [--layout native|lebel|narratives|lpp] [options]'],
    options: simulateOptions,
    async run(values, positionals, env) {
      noPositionals('simulate', positionals);
      const out = need(values, 'out', 'simulate');
      const layout = values.layout ?? 'native';
      if (layout === 'narratives' || layout === 'lpp') return simulateBrain(layout, out, values, env);
      if (layout !== 'native' && layout !== 'lebel')
        throw usageError(`assembly simulate --layout must be native, lebel, narratives or lpp (got "${layout}")`);
      const features = values.features;
      if (features !== undefined && features !== 'wordrate' && features !== 'embedding')
        throw usageError(`--features must be wordrate or embedding (got "${features}")`);
      const opt = {
        seed: num(values, 'seed', 'int'),
        stories: num(values, 'stories', 'int'),
        duration: num(values, 'duration'),
        voxels: num(values, 'voxels', 'int'),
        plantedFraction: num(values, 'planted-fraction'),
        features,
        embeddingDim: num(values, 'embedding-dim', 'int'),
        snrMin: num(values, 'snr-min'),
        snrMax: num(values, 'snr-max'),
        ar1: num(values, 'ar1'),
        testRepeats: num(values, 'test-repeats', 'int'),
        subject: values.subject,
      };
      const options = Object.fromEntries(Object.entries(opt).filter(([, v]) => v !== undefined));
      const log = await withLogger(env);
      const t0 = Date.now();
      const [a, { createContext }] = await Promise.all([import('@voxelwise/assembly'), import('@voxelwise/core')]);
      let sim: Awaited<ReturnType<AssemblyModule['simulateSubject']>>;
      try {
        const ctx = createContext({
          registry: await env.registry(),
          emit: log.emit,
          ...(env.signal ? { signal: env.signal } : {}),
          seed: opt.seed ?? 0,
        });
        const { hooks, dispose } = await a.simulationHooks(ctx, values.extractor ? { extractor: { name: values.extractor } } : {});
        sim = await a.simulateSubject(options, hooks).finally(dispose);
        const common = { overwrite: values.overwrite === true, emit: log.emit, ...(env.signal ? { signal: env.signal } : {}) };
        if (layout === 'lebel') await a.writeSimulatedLebel(sim, out, common);
        else await a.writeSimulatedNative(sim, out, common);
      } finally {
        await log.close();
      }
      const planted = sim.truth.planted.reduce((t, x) => t + x, 0);
      const best = Array.from(sim.truth.bestR)
        .filter((_, v) => sim.truth.planted[v])
        .sort((a, b) => a - b);
      env.out.write(`wrote ${out} (${layout === 'lebel' ? 'LeBel ds003020 layout' : 'voxelwise assembly'})\n`);
      env.out.write(
        `  subject ${sim.assembly.metadata.subject}, ${sim.assembly.storyNames.length} stories (test: ${sim.truth.testStory}, ${sim.options.testRepeats} repeats), ${sim.options.voxels} voxels, ${planted} planted\n`,
      );
      if (best.length > 0)
        env.out.write(
          `  best achievable test r of planted voxels: median ${best[best.length >> 1]!.toFixed(3)}, min ${best[0]!.toFixed(3)}, max ${best.at(-1)!.toFixed(3)}\n`,
        );
      env.out.write(
        `  ground truth in ${layout === 'lebel' ? `${out}/simulation/ground-truth.arrow` : `${out}/ground-truth.arrow`}; ${((Date.now() - t0) / 1000).toFixed(2)} s\n`,
      );
      if (layout === 'lebel')
        env.out.write(
          `  import it with: voxelwise assembly import-lebel --root ${out} --subject ${sim.assembly.metadata.subject} --out <dir>\n`,
        );
      return 0;
    },
  },

  validate: {
    summary: 'Check an assembly: file hashes, timing, NaN/Inf, constant voxels, alignment',
    usage: [
      'voxelwise assembly validate <dir> [--json] [--skip-hashes]',
      'voxelwise assembly validate --layout lebel --root <ds003020> --subject <name>',
    ],
    options: validateOptions,
    notes: 'Reports every problem; exits 1 when there is an error (warnings alone exit 0).',
    async run(values, positionals, env) {
      const log = await withLogger(env);
      let issues: ValidationIssue[] = [];
      let nStories = 0;
      let nVoxels = 0;
      try {
        const a = await import('@voxelwise/assembly');
        const assembly = await openSource(a, values, positionals, 'validate');
        nStories = assembly.storyNames.length;
        nVoxels = assembly.metadata.nVoxels;
        const native = assembly as { dir?: string; manifest?: Parameters<AssemblyModule['verifyAssemblyFiles']>[1] };
        if (native.dir && native.manifest && !values['skip-hashes'])
          issues.push(...(await a.verifyAssemblyFiles(native.dir, native.manifest, log.emit)));
        const report = await a.validateAssembly(assembly, { emit: log.emit, ...(env.signal ? { signal: env.signal } : {}) });
        issues = [...issues, ...report.issues];
      } finally {
        await log.close();
      }
      const errors = issues.filter((i) => i.severity === 'error');
      if (values.json)
        env.out.write(`${JSON.stringify({ ok: errors.length === 0, stories: nStories, voxels: nVoxels, issues }, null, 2)}\n`);
      else {
        for (const i of issues) env.out.write(`${i.severity === 'error' ? 'error  ' : 'warning'} ${i.code}  ${i.message}\n`);
        env.out.write(
          `${nStories} stories, ${nVoxels} voxels: ${errors.length === 0 ? 'valid' : 'INVALID'} (${errors.length} errors, ${issues.length - errors.length} warnings)\n`,
        );
      }
      return errors.length > 0 ? 1 : 0;
    },
  },
};

/** One subcommand's part of the help: its synopsis lines, then its option table. */
function subcommandHelp(sub: Subcommand): string {
  const lines = [...sub.usage, formatOptions(sub.options, '  ', false)];
  if (sub.notes) lines.push(`  ${sub.notes}`);
  return lines.join('\n');
}

const HELP = `voxelwise assembly <subcommand> [options]

Imports fMRI story data into voxelwise's Arrow assembly format, inspects, simulates and validates it.
-h, --help shows this help; "voxelwise assembly <subcommand> --help" shows one subcommand.

Subcommands:
${Object.entries(subcommands)
  .map(([name, sub]) => `  ${name.padEnd(14)} ${sub.summary}`)
  .join('\n')}

${Object.values(subcommands)
  .map((sub) => subcommandHelp(sub))
  .join('\n\n')}

Examples:
  voxelwise assembly import-lebel --root ~/data/ds003020 --subject UTS03 --out UTS03.vw
  voxelwise assembly simulate --layout lebel --out /tmp/ds-sim --subject UTS03 --voxels 2000
  voxelwise assembly simulate --layout narratives --out /tmp/ds002345
  voxelwise assembly import-narratives --root /tmp/ds002345 --subject sub-001 --space fsaverage3 --out sub-001.vw
  voxelwise assembly import-lpp --root ~/data/ds003643 --subject sub-EN057 --out EN057.vw
  voxelwise assembly info UTS03.vw
  voxelwise assembly validate UTS03.vw
`;

export const assemblyCommand: Command = {
  help: HELP,
  helpFor(args) {
    const sub = args[0] === undefined ? undefined : subcommands[args[0]];
    return sub ? `${subcommandHelp(sub)}\n  -h, --help  Show this help\n` : HELP;
  },
  async run(args, env) {
    const [name, ...rest] = args;
    const sub = name === undefined || !Object.hasOwn(subcommands, name) ? undefined : subcommands[name];
    if (!sub) throw usageError(`assembly needs a subcommand: ${Object.keys(subcommands).join(', ')}${name ? ` (got "${name}")` : ''}`);
    const { values, positionals } = parseOptions(`assembly ${name}`, sub.options, rest);
    return sub.run(values as Values, positionals, env, rest);
  },
};
