#!/usr/bin/env node
// The consumer's view (`npm run pack-check`, run by CI after `npm test`): builds and packs every
// package, installs the tarballs into fresh projects outside the workspace with a plain
// `npm install` (no .npmrc, no npm_config_* or ONNXRUNTIME_* variables; only the npm registry is
// reached, for third-party packages), and checks three scenarios:
//   ridge-only  core + ridge: onnxruntime-node absent, a fit runs on the pure backend
//   no-lm       core, assembly, features-basic, downsample, ridge, trainer: no transformers.js or
//               onnxruntime-* installed; a typed defineConfig file (built-in stages and a user's
//               plugin) type-checks with skipLibCheck: false, a misspelled stage name does not;
//               a run succeeds
//   cli-esm,    @voxelwise/cli (+ core for a user's plugin) in a
//   cli-cjs     "type": "module" and a "type": "commonjs" project: --help, a .ts config with a .ts
//               plugin through `voxelwise train --config`; in the ESM project also the demo, which
//               first names the install line of @voxelwise/features-lm (an optional peer of the
//               CLI), then runs once it is installed with onnxruntime-node's CUDA download denied
// Prints each scenario's install size and time; exits 1 naming what failed.
//
//   node tools/pack-check/run.mjs [--skip-build] [--keep] [--only ridge-only,no-lm,cli-esm,cli-cjs]
//        [--deny-onnxruntime-script]   (projects deny onnxruntime-node's postinstall in package.json
//                                       "allowScripts", as a user without access to api.nuget.org can)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { packAll, run } from './pack.mjs';
import { ROOT } from '../workspace-packages.mjs';

const FIXTURES = join(ROOT, 'tools', 'pack-check', 'fixtures');
const { values: flags } = parseArgs({
  options: {
    'skip-build': { type: 'boolean' },
    keep: { type: 'boolean' },
    only: { type: 'string' },
    'deny-onnxruntime-script': { type: 'boolean' },
  },
});
const only = flags.only?.split(',');

/** The environment a new user has: none of npm's or onnxruntime's install settings. */
function consumerEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || /^ONNXRUNTIME_NODE_INSTALL/i.test(k) || k === 'NODE_OPTIONS' || k === 'NODE_PATH') continue;
    env[k] = v;
  }
  // `npm run` puts the workspace's node_modules/.bin folders on PATH; a consumer has none of them.
  const path = (env.PATH ?? '').split(delimiter).filter((d) => !/node_modules[\\/]\.bin/.test(d));
  return { ...env, PATH: path.join(delimiter), NO_COLOR: '1' };
}
const ENV = consumerEnv();

/** The installed version of a workspace dev tool, so consumer type checks use the same TypeScript. */
function workspaceVersion(name) {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Every package name under a node_modules tree (scoped and nested included). */
function installedPackages(nodeModules, out = new Set()) {
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const dir = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const sub of readdirSync(dir, { withFileTypes: true })) {
        out.add(`${entry.name}/${sub.name}`);
        installedPackages(join(dir, sub.name, 'node_modules'), out);
      }
    } else if (entry.isDirectory() || entry.isSymbolicLink()) {
      out.add(entry.name);
      installedPackages(join(dir, 'node_modules'), out);
    }
  }
  return out;
}

function sizeOf(dir) {
  return Number(run('du', ['-sk', dir]).split(/\s/)[0]) * 1024;
}
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`; // as `du -sh` counts
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs a command in a consumer project; on failure throws with its output. */
function inProject(dir, cmd, args) {
  return run(cmd, args, { cwd: dir, env: ENV });
}

/**
 * A fresh project in `dir`: `dependencies` on the tarballs of `packages`, and `overrides` sending
 * every @voxelwise/* package to its tarball, so nothing of ours comes from the registry.
 */
function createProject(dir, { type, packages, devDependencies = {}, fixtures }, tarballs) {
  mkdirSync(dir, { recursive: true });
  const spec = (name) => {
    const t = tarballs.find((p) => p.name === name);
    if (!t) throw new Error(`no tarball for ${name}`);
    return `file:${t.tarball}`;
  };
  const overrides = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.tarball}`]));
  const manifest = {
    name: `voxelwise-pack-check-${type}`,
    version: '0.0.0',
    private: true,
    type,
    dependencies: Object.fromEntries(packages.map((name) => [name, spec(name)])),
    devDependencies,
    overrides,
    ...(flags['deny-onnxruntime-script'] ? { allowScripts: { 'onnxruntime-node': false } } : {}),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (fixtures) cpSync(join(FIXTURES, fixtures), dir, { recursive: true });
}

/** `npm install` as a user types it; returns its wall time in ms. */
function install(dir) {
  const t0 = Date.now();
  try {
    inProject(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  } catch (error) {
    const hint = /api\.nuget\.org|onnxruntime-node/.test(error.message)
      ? '\n(onnxruntime-node is in this install and its postinstall script downloads CUDA libraries from api.nuget.org;' +
        ' --deny-onnxruntime-script checks the rest of the scenario with that download denied)'
      : '';
    throw new Error(`plain npm install failed${hint}\n${error.message}`);
  }
  return Date.now() - t0;
}

const SCENARIOS = [
  {
    name: 'ridge-only',
    project: { type: 'module', packages: ['@voxelwise/core', '@voxelwise/ridge'], fixtures: 'ridge-only' },
    check(dir) {
      const installed = installedPackages(join(dir, 'node_modules'));
      const onnx = [...installed].filter((n) => n.startsWith('onnxruntime-'));
      if (onnx.length > 0) throw new Error(`onnxruntime packages were installed: ${onnx.join(', ')}`);
      return inProject(dir, process.execPath, ['fit.mjs']);
    },
  },
  {
    name: 'no-lm',
    project: {
      type: 'module',
      packages: [
        '@voxelwise/core',
        '@voxelwise/assembly',
        '@voxelwise/features-basic',
        '@voxelwise/downsample',
        '@voxelwise/ridge',
        '@voxelwise/trainer',
      ],
      devDependencies: { typescript: workspaceVersion('typescript'), '@types/node': workspaceVersion('@types/node') },
      fixtures: 'no-lm',
    },
    check(dir) {
      const installed = installedPackages(join(dir, 'node_modules'));
      const heavy = [...installed].filter((n) => n === '@huggingface/transformers' || n.startsWith('onnxruntime-'));
      if (heavy.length > 0) throw new Error(`language-model packages were installed: ${heavy.join(', ')}`);
      // One tsc run over both files: every error must be in config-misspelled.ts and name "wordrat".
      const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
      let output = null;
      try {
        inProject(dir, process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false']);
      } catch (error) {
        output = error.message;
      }
      if (output === null) throw new Error('config-misspelled.ts ("wordrat") type-checks: stage names are not checked');
      const errors = output.split('\n').filter((l) => /error TS\d+/.test(l));
      const elsewhere = errors.filter((l) => !l.startsWith('config-misspelled.ts('));
      if (elsewhere.length > 0) throw new Error(`the typed config does not type-check (skipLibCheck: false)\n${output}`);
      if (!output.includes('wordrat')) throw new Error(`config-misspelled.ts failed for another reason:\n${output}`);
      return `config.ts type-checks (skipLibCheck: false); "wordrat" is rejected\n${inProject(dir, process.execPath, ['train.mjs'])}`;
    },
  },
  ...['module', 'commonjs'].map((type) => ({
    name: type === 'module' ? 'cli-esm' : 'cli-cjs',
    project: { type, packages: ['@voxelwise/cli', '@voxelwise/core'], fixtures: 'cli' },
    check(dir) {
      const voxelwise = (...args) => inProject(dir, 'npx', ['--no-install', 'voxelwise', ...args]);
      const lines = [];
      const help = voxelwise('--help');
      if (!/Usage:/.test(help)) throw new Error(`voxelwise --help printed no usage:\n${help}`);
      lines.push('voxelwise --help ok');
      if (type === 'commonjs') {
        // require() of an ES module package: the `default` export condition, Node >= 20.19.
        const probe = "const c = require('@voxelwise/core'); if (typeof c.createRegistry !== 'function') process.exit(1)";
        inProject(dir, process.execPath, ['-e', probe]);
        lines.push("require('@voxelwise/core') ok");
      }
      voxelwise('train', '--config', 'voxelwise.config.ts', '--out', 'results');
      if (!hasOkRun(join(dir, 'results'))) throw new Error('voxelwise train --config voxelwise.config.ts wrote no run with status ok');
      lines.push('voxelwise train --config voxelwise.config.ts (with the .ts plugin word-length.ts) ok');
      if (type === 'module') {
        // Language-model features are an optional peer of the CLI: without them the demo names the
        // install line; with them (onnxruntime-node's CUDA download denied in package.json, as the
        // README tells a user on a registry-only machine) it runs.
        let refused = '';
        try {
          voxelwise('demo', '--out', 'results-demo');
        } catch (error) {
          refused = error.message;
        }
        if (!refused.includes('npm install @voxelwise/features-lm')) {
          throw new Error(`voxelwise demo without @voxelwise/features-lm did not name the install line:\n${refused}`);
        }
        lines.push('voxelwise demo without features-lm: refused with the install line');
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        manifest.dependencies['@voxelwise/features-lm'] = manifest.overrides['@voxelwise/features-lm'];
        manifest.allowScripts = { ...(manifest.allowScripts ?? {}), 'onnxruntime-node': false };
        writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
        const installMs = install(dir);
        const t0 = Date.now();
        voxelwise('demo', '--out', 'results-demo');
        if (!hasOkRun(join(dir, 'results-demo'))) throw new Error('voxelwise demo wrote no run with status ok');
        lines.push(
          `+ @voxelwise/features-lm (install ${seconds(installMs)}, node_modules now ${mb(sizeOf(join(dir, 'node_modules')))}): voxelwise demo ok (${seconds(Date.now() - t0)})`,
        );
      }
      return lines.join('\n');
    },
  })),
];

/** A run directory under `dir` whose run.json says ok. */
function hasOkRun(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((d) => {
    const file = join(dir, d, 'run.json');
    return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).status === 'ok';
  });
}

async function main() {
  const t0 = Date.now();
  if (!flags['skip-build']) {
    console.log('pack-check: building every package (nx)');
    run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' } });
  }
  const work = mkdtempSync(join(tmpdir(), 'voxelwise-pack-check-'));
  const tarballDir = join(work, 'tarballs');
  mkdirSync(tarballDir);
  console.log(`pack-check: packing into ${tarballDir}`);
  const tarballs = packAll(tarballDir);
  for (const t of tarballs) console.log(`  ${t.name}: ${(t.bytes / 1e3).toFixed(0)} kB, ${t.files.length} files`);

  const results = [];
  for (const scenario of SCENARIOS.filter((s) => !only || only.includes(s.name))) {
    const dir = join(work, scenario.name);
    const result = { name: scenario.name, ok: false, size: NaN, installMs: NaN, checkMs: NaN, message: '' };
    results.push(result);
    console.log(`\npack-check: scenario ${scenario.name}`);
    try {
      createProject(dir, scenario.project, tarballs);
      result.installMs = install(dir);
      // What the packages cost, without the tools the scenario itself adds (typescript, @types/node).
      const tools = Object.keys(scenario.project.devDependencies ?? {});
      result.size = sizeOf(join(dir, 'node_modules')) - tools.reduce((s, t) => s + sizeOf(join(dir, 'node_modules', t)), 0);
      console.log(
        `  installed: node_modules ${mb(result.size)}${tools.length ? ` (not counting ${tools.join(', ')})` : ''} in ${seconds(result.installMs)}`,
      );
      const t1 = Date.now();
      const out = scenario.check(dir);
      result.checkMs = Date.now() - t1;
      result.ok = true;
      for (const line of out.trim().split('\n')) console.log(`  ${line}`);
    } catch (error) {
      result.message = error.message;
      console.error(`  FAILED: ${error.message}`);
    }
  }

  console.log('\npack-check summary');
  console.log('scenario    result  node_modules  install  checks');
  for (const r of results) {
    console.log(
      `${r.name.padEnd(11)} ${(r.ok ? 'ok' : 'FAIL').padEnd(7)} ${(Number.isNaN(r.size) ? '-' : mb(r.size)).padStart(12)}  ${(Number.isNaN(r.installMs) ? '-' : seconds(r.installMs)).padStart(7)}  ${Number.isNaN(r.checkMs) ? '-' : seconds(r.checkMs)}`,
    );
  }
  console.log(`total ${seconds(Date.now() - t0)}`);
  if (flags.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.error(`\npack-check FAILED: ${failed.map((r) => `${r.name} (${r.message.split('\n')[0]})`).join('; ')}`);
    process.exit(1);
  }
}

await main();
