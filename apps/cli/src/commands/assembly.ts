import { parseArgs } from 'node:util';
import {
  importByo,
  importLebel,
  openAssembly,
  openByo,
  openLebel,
  simulateSubject,
  simulationHooks,
  summarizeAssembly,
  validateAssembly,
  verifyAssemblyFiles,
  writeSimulatedLebel,
  writeSimulatedNative,
} from '@voxelwise/assembly';
import type { AssemblySummary, ValidationIssue, WriteAssemblyResult } from '@voxelwise/assembly';
import { createContext } from '@voxelwise/core';
import type { Assembly, EventSink } from '@voxelwise/core';
import { consoleLogger } from '@voxelwise/trainer';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';

const HELP = `voxelwise assembly <subcommand> [options]

Imports fMRI story data into voxelwise's Arrow assembly format, inspects, simulates and validates it.

Subcommands:
  import-lebel   Import a subject of OpenNeuro ds003020 (LeBel et al. 2023)
  import         Import a bring-your-own dataset (--layout byo) or LeBel (--layout lebel)
  info           Stories, TRs, words, voxels and sizes as a table
  simulate       Write a simulated subject with a planted encoding model
  validate       Check an assembly: file hashes, timing, NaN/Inf, constant voxels, alignment

voxelwise assembly import-lebel --root <ds003020> --subject <UTS03> --out <dir>
  --root <dir>           ds003020 folder (holds derivative/TextGrids, respdict.json, preprocessed_data)
  --subject <name>       Folder under derivative/preprocessed_data (e.g. UTS03)
  --out <dir>            Assembly directory to create (written atomically)
  --stories <a,b,…>      Only these stories (default: every story with all three files)
  --test-stories <a,…>   Held-out stories (default: wheretheressmoke when present)

voxelwise assembly import --layout byo --root <dir> --out <dir> [--tr <s>]
  --layout <byo|lebel>   Source layout (default byo; see the @voxelwise/assembly README)
  --tr <seconds>         Repetition time (or "tr" in byo.json, or trs.tsv per story)
  --first-tr-time <s>    Centre of the first TR on the word-time axis (default TR/2)
  --trim-start <n>       Response row 0 is TR n of the grid (default 0)
  --trim-end <n>         The last n TRs of the grid have no response (default 0)
  --subject, --stories, --test-stories as above

Options of both imports:
  --voxel-chunk <n>      Voxels per Arrow record batch (default 4096)
  --zero-nonfinite       Set NaN/Inf responses to 0 (recorded) instead of failing
  --skip-hashes          Do not hash the source files (faster; provenance keeps paths and sizes)
  --overwrite            Replace an existing output directory once the new one is complete

voxelwise assembly info <dir> [--json]
voxelwise assembly info --layout lebel --root <ds003020> --subject <name>
voxelwise assembly info --layout byo --root <dir> [--tr <s>]

voxelwise assembly simulate --out <dir> [--layout native|lebel] [options]
  --layout <native|lebel>  Arrow assembly (default) or the ds003020 layout (TextGrids, hf5)
  --seed <n>               (default 0)          --stories <n>        incl. the test story (default 4)
  --duration <s>           per story (360)      --voxels <n>         (40)
  --planted-fraction <f>   (0.5)                --features <wordrate|embedding> (wordrate)
  --extractor <name>       plant on a registered extractor's output instead of --features
  --embedding-dim <n>      (8)                  --snr-min <x> / --snr-max <x> (0.25 / 4)
  --ar1 <x>                noise AR(1) (0.3)    --test-repeats <n>   (10)
  --subject <name>         (sim-<seed>)         --overwrite

voxelwise assembly validate <dir> [--json] [--skip-hashes]
voxelwise assembly validate --layout lebel --root <ds003020> --subject <name>
  Reports every problem; exits 1 when there is an error (warnings alone exit 0).

Examples:
  voxelwise assembly import-lebel --root ~/data/ds003020 --subject UTS03 --out UTS03.vw
  voxelwise assembly simulate --layout lebel --out /tmp/ds-sim --subject UTS03 --voxels 2000
  voxelwise assembly info UTS03.vw
  voxelwise assembly validate UTS03.vw
`;

const OPTIONS = {
  root: { type: 'string' },
  subject: { type: 'string' },
  out: { type: 'string' },
  layout: { type: 'string' },
  stories: { type: 'string' },
  'test-stories': { type: 'string' },
  'voxel-chunk': { type: 'string' },
  'zero-nonfinite': { type: 'boolean' },
  'skip-hashes': { type: 'boolean' },
  overwrite: { type: 'boolean' },
  tr: { type: 'string' },
  'first-tr-time': { type: 'string' },
  'trim-start': { type: 'string' },
  'trim-end': { type: 'string' },
  json: { type: 'boolean' },
  seed: { type: 'string' },
  duration: { type: 'string' },
  voxels: { type: 'string' },
  'planted-fraction': { type: 'string' },
  features: { type: 'string' },
  extractor: { type: 'string' },
  'embedding-dim': { type: 'string' },
  'snr-min': { type: 'string' },
  'snr-max': { type: 'string' },
  ar1: { type: 'string' },
  'test-repeats': { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
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

function only(values: Values, sub: string, allowed: readonly string[]): void {
  const extra = Object.keys(values).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw usageError(`assembly ${sub} does not take ${extra.map((k) => `--${k}`).join(', ')}`);
}

const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);

function withLogger(env: CommandEnv): { emit: EventSink; close: () => Promise<void> } {
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
async function openSource(values: Values, positionals: string[], sub: string): Promise<Assembly> {
  const layout = values.layout ?? 'native';
  if (layout === 'native' || layout === 'arrow') {
    const dir = positionals[0];
    if (!dir) throw usageError(`assembly ${sub} needs an assembly directory (or --layout lebel|byo --root <dir>)`);
    return openAssembly(dir);
  }
  if (layout === 'lebel') return openLebel(lebelSource(values, sub));
  if (layout === 'byo') return openByo(byoSource(values, need(values, 'root', sub)));
  throw usageError(`--layout must be native, lebel or byo (got "${layout}")`);
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

const subcommands: Record<string, (values: Values, positionals: string[], env: CommandEnv) => Promise<number>> = {
  async 'import-lebel'(values, positionals, env) {
    only(values, 'import-lebel', [
      'root',
      'subject',
      'out',
      'stories',
      'test-stories',
      'voxel-chunk',
      'zero-nonfinite',
      'skip-hashes',
      'overwrite',
      'layout',
    ]);
    if (positionals.length > 0) throw usageError(`assembly import-lebel takes no positional arguments (got "${positionals.join(' ')}")`);
    const out = need(values, 'out', 'import-lebel');
    const log = withLogger(env);
    const t0 = Date.now();
    let res: WriteAssemblyResult;
    try {
      res = await importLebel(lebelSource(values, 'import-lebel'), out, writeOptions(values, log.emit, env));
    } finally {
      await log.close();
    }
    report(env, res, Date.now() - t0);
    return 0;
  },

  async import(values, positionals, env) {
    const layout = values.layout ?? 'byo';
    if (layout === 'lebel') return subcommands['import-lebel']!(values, positionals, env);
    if (layout !== 'byo') throw usageError(`assembly import --layout must be byo or lebel (got "${layout}")`);
    only(values, 'import', [
      'root',
      'subject',
      'out',
      'stories',
      'test-stories',
      'voxel-chunk',
      'zero-nonfinite',
      'skip-hashes',
      'overwrite',
      'layout',
      'tr',
      'first-tr-time',
      'trim-start',
      'trim-end',
    ]);
    const out = need(values, 'out', 'import');
    const log = withLogger(env);
    const t0 = Date.now();
    let res: WriteAssemblyResult;
    try {
      res = await importByo(byoSource(values, need(values, 'root', 'import')), out, writeOptions(values, log.emit, env));
    } finally {
      await log.close();
    }
    report(env, res, Date.now() - t0);
    return 0;
  },

  async info(values, positionals, env) {
    only(values, 'info', ['layout', 'root', 'subject', 'tr', 'first-tr-time', 'trim-start', 'trim-end', 'stories', 'test-stories', 'json']);
    const s = await summarizeAssembly(await openSource(values, positionals, 'info'));
    if (values.json) {
      env.out.write(`${JSON.stringify(s, null, 2)}\n`);
      return 0;
    }
    env.out.write(
      `subject ${s.subject} · TR ${s.tr} s · ${s.nVoxels} voxels · ${s.stories.length} stories${s.trimming ? ` · trimming ${s.trimming}` : ''}\n\n${table(s)}\n`,
    );
    return 0;
  },

  async simulate(values, positionals, env) {
    only(values, 'simulate', [
      'out',
      'layout',
      'seed',
      'stories',
      'duration',
      'voxels',
      'planted-fraction',
      'features',
      'extractor',
      'embedding-dim',
      'snr-min',
      'snr-max',
      'ar1',
      'test-repeats',
      'subject',
      'overwrite',
    ]);
    if (positionals.length > 0) throw usageError(`assembly simulate takes no positional arguments (got "${positionals.join(' ')}")`);
    const out = need(values, 'out', 'simulate');
    const layout = values.layout ?? 'native';
    if (layout !== 'native' && layout !== 'lebel') throw usageError(`assembly simulate --layout must be native or lebel (got "${layout}")`);
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
    const log = withLogger(env);
    const t0 = Date.now();
    let sim: Awaited<ReturnType<typeof simulateSubject>>;
    try {
      const ctx = createContext({
        registry: env.registry(),
        emit: log.emit,
        ...(env.signal ? { signal: env.signal } : {}),
        seed: opt.seed ?? 0,
      });
      const { hooks, dispose } = await simulationHooks(ctx, values.extractor ? { extractor: { name: values.extractor } } : {});
      sim = await simulateSubject(options, hooks).finally(dispose);
      const common = { overwrite: values.overwrite === true, emit: log.emit, ...(env.signal ? { signal: env.signal } : {}) };
      if (layout === 'lebel') await writeSimulatedLebel(sim, out, common);
      else await writeSimulatedNative(sim, out, common);
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

  async validate(values, positionals, env) {
    only(values, 'validate', [
      'layout',
      'root',
      'subject',
      'tr',
      'first-tr-time',
      'trim-start',
      'trim-end',
      'stories',
      'test-stories',
      'json',
      'skip-hashes',
    ]);
    const log = withLogger(env);
    let issues: ValidationIssue[] = [];
    let nStories = 0;
    let nVoxels = 0;
    try {
      const assembly = await openSource(values, positionals, 'validate');
      nStories = assembly.storyNames.length;
      nVoxels = assembly.metadata.nVoxels;
      const native = assembly as { dir?: string; manifest?: Parameters<typeof verifyAssemblyFiles>[1] };
      if (native.dir && native.manifest && !values['skip-hashes'])
        issues.push(...(await verifyAssemblyFiles(native.dir, native.manifest, log.emit)));
      const report = await validateAssembly(assembly, { emit: log.emit, ...(env.signal ? { signal: env.signal } : {}) });
      issues = [...issues, ...report.issues];
    } finally {
      await log.close();
    }
    const errors = issues.filter((i) => i.severity === 'error');
    if (values.json) env.out.write(`${JSON.stringify({ ok: errors.length === 0, stories: nStories, voxels: nVoxels, issues }, null, 2)}\n`);
    else {
      for (const i of issues) env.out.write(`${i.severity === 'error' ? 'error  ' : 'warning'} ${i.code}  ${i.message}\n`);
      env.out.write(
        `${nStories} stories, ${nVoxels} voxels: ${errors.length === 0 ? 'valid' : 'INVALID'} (${errors.length} errors, ${issues.length - errors.length} warnings)\n`,
      );
    }
    return errors.length > 0 ? 1 : 0;
  },
};

export const assemblyCommand: Command = {
  summary: 'Import (LeBel ds003020, bring-your-own), inspect, simulate and validate assemblies',
  help: HELP,
  async run(args, env) {
    const [sub, ...rest] = args;
    const fn = sub === undefined ? undefined : subcommands[sub];
    if (!fn) throw usageError(`assembly needs a subcommand: ${Object.keys(subcommands).join(', ')}${sub ? ` (got "${sub}")` : ''}`);
    const { values, positionals } = parse(rest);
    return fn(values, positionals, env);
  },
};
