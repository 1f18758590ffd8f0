import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { isVoxelwiseError, STAGE_KINDS } from '@voxelwise/core';
import type { ErrorCode, StageKind } from '@voxelwise/core';
import { consoleLogger, createDefaultRegistry, demoConfig, plantedSummary, train } from '@voxelwise/trainer';
import { loadConfigFile } from './load-config.js';

/** Where the CLI writes; replaceable in tests. */
export interface CliIO {
  signal?: AbortSignal;
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  stderr?: { write(s: string): unknown; isTTY?: boolean };
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['E_USAGE', 'E_CONFIG_INVALID', 'E_OPTIONS_INVALID', 'E_STAGE_UNKNOWN', 'E_STAGE_DUPLICATE']);

const HELP = `voxelwise — fMRI encoding models of natural language

Usage:
  voxelwise <command> [options]

Commands:
  demo                      Fit the embedded simulated subject end to end (offline)
  train --config <file>     Run a config (.json, .yaml or .ts with defineConfig)
  list [kind]               Registered stages and their options (kinds: ${STAGE_KINDS.join(', ')})

Options:
  -h, --help                Show help (also: voxelwise <command> --help)
  -v, --version             Print the version

Examples:
  voxelwise demo
  voxelwise train --config configs/lebel-gpt2.json
  voxelwise list extractor

Exit codes: 0 success, 1 runtime failure, 2 usage or config error, 130 interrupted.
`;

const COMMAND_HELP: Record<string, string> = {
  demo: `voxelwise demo [--seed <n>] [--out <dir>]

Simulates a subject with a planted encoding model, fits it and prints the headline numbers.

Options:
  --seed <n>    Seed of the simulation and folds (default 0)
  --out <dir>   Where the run directory goes (default results)
`,
  train: `voxelwise train --config <file> [--seed <n>] [--out <dir>]

Runs the pipeline a config describes and writes results/<run-id>/.

Options:
  -c, --config <file>   .json, .yaml/.yml, or .ts/.js exporting defineConfig({...})
  --seed <n>            Override the config's seed
  --out <dir>           Override the config's outDir

Example config:
  {
    "assembly": { "name": "simulated", "options": { "seed": 1 } },
    "features": [{ "name": "wordrate" }],
    "downsampler": { "name": "rect" },
    "delays": [1, 2, 3, 4],
    "model": { "name": "ridge-cv", "options": { "alphaMode": "per-voxel" } }
  }
`,
  list: `voxelwise list [kind] [--json]

Lists registered stages with their options. kind is one of: ${STAGE_KINDS.join(', ')}.
`,
};

function version(): string {
  const require = createRequire(import.meta.url);
  return (require('../package.json') as { version: string }).version;
}

function fmt(x: unknown): string {
  return typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(4)) : String(x);
}

function describeOptions(schema: unknown): string[] {
  const s = schema as { properties?: Record<string, { type?: unknown; default?: unknown; enum?: unknown[]; description?: string }>; required?: string[] };
  if (!s.properties) return [];
  return Object.entries(s.properties).map(([key, p]) => {
    const type = p.enum ? p.enum.map((v) => JSON.stringify(v)).join(' | ') : String(p.type ?? 'any');
    const def = p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : s.required?.includes(key) ? ' (required)' : '';
    return `      ${key}: ${type}${def}`;
  });
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIO = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      out.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      out.write(`${version()}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      out.write(COMMAND_HELP[command] ?? HELP);
      return 0;
    }
    const registry = createDefaultRegistry();
    switch (command) {
      case 'list': {
        const { values, positionals } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
        const kind = positionals[0] as StageKind | undefined;
        if (kind !== undefined && !STAGE_KINDS.includes(kind)) throw usage(`unknown stage kind "${kind}"; known kinds: ${STAGE_KINDS.join(', ')}`);
        const stages = registry.list(kind);
        if (values.json) {
          out.write(`${JSON.stringify(stages, null, 2)}\n`);
          return 0;
        }
        let last = '';
        for (const s of stages) {
          if (s.kind !== last) out.write(`${last ? '\n' : ''}${s.kind}:\n`);
          last = s.kind;
          out.write(`  ${s.name.padEnd(18)} ${s.description}\n`);
          for (const l of describeOptions(s.optionsSchema)) out.write(`${l}\n`);
        }
        return 0;
      }
      case 'train':
      case 'demo': {
        const { values } = parseArgs({
          args: rest,
          options: { config: { type: 'string', short: 'c' }, seed: { type: 'string' }, out: { type: 'string' } },
          allowPositionals: false,
        });
        let config: Record<string, unknown>;
        if (command === 'train') {
          if (!values.config) throw usage('train needs --config <file>');
          const loaded = await loadConfigFile(values.config);
          if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) throw usage(`config ${values.config} must be an object`, 'E_CONFIG_INVALID');
          config = { ...(loaded as Record<string, unknown>) };
        } else {
          config = { ...demoConfig(values.seed !== undefined ? { seed: Number(values.seed) } : {}) };
        }
        if (values.seed !== undefined) {
          const seed = Number(values.seed);
          if (!Number.isInteger(seed)) throw usage(`--seed must be an integer (got "${values.seed}")`);
          config['seed'] = seed;
        }
        if (values.out !== undefined) config['outDir'] = values.out;
        const logger = consoleLogger({ stream: err });
        const result = await train(config, { registry, onEvent: (e) => logger.handle(e), ...(io.signal ? { signal: io.signal } : {}) });
        await logger.close?.();
        const m = result.metrics;
        out.write(`\nrun ${result.runId}\n`);
        out.write(`  voxels ${fmt(m['n_voxels'])}, train TRs ${fmt(m['n_train_trs'])}, test TRs ${fmt(m['n_test_trs'])}, features ${fmt(m['n_features'])}\n`);
        out.write(`  median r ${fmt(m['median_score'])}   mean r ${fmt(m['mean_score'])}   max r ${fmt(m['max_score'])}\n`);
        const planted = plantedSummary(result.evaluation.voxels.r, result.assemblyMetadata);
        if (planted) out.write(`  planted voxels: median r ${fmt(planted.medianPlanted)} (${planted.planted.length})   noise voxels: median r ${fmt(planted.medianNoise)} (${planted.noise.length})\n`);
        out.write(`  time ${(result.durationMs / 1000).toFixed(2)} s\n  results in ${result.runDir}\n`);
        return 0;
      }
      default:
        throw usage(`unknown command "${command}"; commands: demo, train, list`);
    }
  } catch (error) {
    if (isVoxelwiseError(error)) {
      err.write(`error ${error.code}: ${error.message}\n`);
      if (error.code === 'E_ABORTED') return 130;
      return USAGE_CODES.has(error.code) ? 2 : 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      err.write(`error E_USAGE: ${error.message}\n`);
      return 2;
    }
    err.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function usage(message: string, code: ErrorCode = 'E_USAGE') {
  return Object.assign(new Error(`[cli] ${message}.`), { name: 'VoxelwiseError', code, details: {} });
}
