#!/usr/bin/env node
// Checks (--check, the default) or fixes (--write) the publishing fields of every publishable
// workspace package.json: exports, main/types, files, engines, repository, license, type,
// sideEffects, publishConfig, the prepack/postpack scripts, and the LICENSE and README files.
// It never touches dependencies, devDependencies, peerDependencies or any other field, and it
// re-reads each file just before writing it, so concurrent edits to other fields survive.
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, workspacePackages } from './workspace-packages.mjs';

/** The dev-time export condition (points at src/index.ts; stripped from published manifests). */
export const SOURCE_CONDITION = '@voxelwise/source';
const REPOSITORY_URL = 'git+https://github.com/voxelwise/voxelwise.git';
const NODE_RANGE = '>=20.19';

/** One subpath's conditions, built from `src/<base>.ts` to `dist/<base>.{js,d.ts}`. */
function conditions(base) {
  return {
    [SOURCE_CONDITION]: `./src/${base}.ts`,
    types: `./dist/${base}.d.ts`,
    import: `./dist/${base}.js`,
    default: `./dist/${base}.js`,
  };
}

/**
 * `.` and `./package.json`, plus any other subpath a package declares (e.g. `./hdf5`), each in
 * the same shape; a subpath's file base comes from its current source or import target.
 */
function expectedExports(current) {
  const out = { '.': conditions('index') };
  const entries = current && typeof current === 'object' && !Array.isArray(current) ? Object.entries(current) : [];
  for (const [subpath, entry] of entries) {
    if (subpath === '.' || subpath === './package.json' || !subpath.startsWith('./')) continue;
    const target = typeof entry === 'string' ? entry : (entry?.[SOURCE_CONDITION] ?? entry?.import ?? entry?.default ?? subpath);
    const base = String(target)
      .replace(/^\.\/(src|dist)\//, '')
      .replace(/^\.\//, '')
      .replace(/\.(ts|js|mjs|d\.ts)$/, '');
    out[subpath] = conditions(base);
  }
  out['./package.json'] = './package.json';
  return out;
}

/** The fields this tool owns, in the order they are inserted when missing, after `anchor`. */
export function expectedFields(pkg) {
  const m = pkg.manifest;
  const binDirs = Object.values(typeof m.bin === 'string' ? { [m.name]: m.bin } : (m.bin ?? {}))
    .map((p) => p.replace(/^\.\//, '').split('/')[0])
    .filter((first) => first !== 'dist');
  const extraFiles = (m.files ?? []).filter((f) => f !== 'dist' && f !== './dist' && f !== 'dist/');
  const tools = relative(pkg.dir, join(ROOT, 'tools', 'prepack.mjs'))
    .split('\\')
    .join('/');
  const exportsMap = expectedExports(m.exports);
  const subpaths = Object.entries(exportsMap).filter(([k]) => k !== '.' && k !== './package.json');
  return {
    license: 'MIT',
    repository: { type: 'git', url: REPOSITORY_URL, directory: pkg.rel },
    type: 'module',
    sideEffects: false,
    engines: { node: NODE_RANGE },
    exports: exportsMap,
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: [...new Set(['dist', ...binDirs, ...extraFiles])],
    // TypeScript's legacy `node10` resolution ignores `exports`; this lets it find subpath types.
    ...(subpaths.length > 0 ? { typesVersions: { '*': Object.fromEntries(subpaths.map(([k, v]) => [k.slice(2), [v.types]])) } } : {}),
    publishConfig: { access: 'public' },
    scripts: { ...m.scripts, prepack: `node ${tools}`, postpack: `node ${tools} --restore` },
  };
}

/** Where a missing field goes: after the first of these keys that exists. */
const ANCHORS = {
  license: ['description', 'version', 'name'],
  repository: ['license'],
  type: ['repository', 'license'],
  sideEffects: ['type'],
  engines: ['sideEffects', 'type'],
  exports: ['engines', 'sideEffects'],
  main: ['exports'],
  types: ['main'],
  files: ['bin', 'types'],
  typesVersions: ['files'],
  publishConfig: ['files'],
  scripts: ['publishConfig', 'files'],
};

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The manifest with this tool's fields set, other keys untouched and in place. */
export function fixManifest(manifest, expected) {
  const out = { ...manifest };
  for (const [key, value] of Object.entries(expected)) out[key] = value;
  // Re-insert missing keys after their anchor so the file reads in the usual order.
  const missing = Object.keys(expected).filter((k) => !(k in manifest));
  let keys = Object.keys(manifest);
  for (const key of missing) {
    const anchor = ANCHORS[key]?.find((a) => keys.includes(a));
    const at = anchor === undefined ? keys.length : keys.indexOf(anchor) + 1;
    keys = [...keys.slice(0, at), key, ...keys.slice(at)];
  }
  return Object.fromEntries(keys.map((k) => [k, out[k]]));
}

/** Problems with one package: fields, LICENSE, README, bin targets. */
function problemsOf(pkg, rootLicense) {
  const problems = [];
  const expected = expectedFields(pkg);
  for (const [key, value] of Object.entries(expected)) {
    if (!same(pkg.manifest[key], value)) {
      problems.push(`${key}: got ${JSON.stringify(pkg.manifest[key])}, expected ${JSON.stringify(value)}`);
    }
  }
  const license = join(pkg.dir, 'LICENSE');
  if (!existsSync(license)) problems.push('LICENSE file missing');
  else if (readFileSync(license, 'utf8') !== rootLicense) problems.push('LICENSE differs from the root LICENSE');
  const readme = join(pkg.dir, 'README.md');
  if (!existsSync(readme) || statSync(readme).size < 200) problems.push('README.md missing or nearly empty (write one)');
  return problems;
}

function main() {
  const write = process.argv.includes('--write');
  const rootLicense = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  if (!/^MIT License/.test(rootLicense)) throw new Error('the root LICENSE is not the MIT license');
  let failed = 0;
  for (const pkg of workspacePackages().filter((p) => p.publishable)) {
    let problems = problemsOf(pkg, rootLicense);
    if (write && problems.length > 0) {
      // Read-modify-write at the last moment: others may be editing dependency fields.
      const file = join(pkg.dir, 'package.json');
      const fresh = { ...pkg, manifest: JSON.parse(readFileSync(file, 'utf8')) };
      const fixed = fixManifest(fresh.manifest, expectedFields(fresh));
      if (!same(fixed, fresh.manifest)) writeFileSync(file, `${JSON.stringify(fixed, null, 2)}\n`);
      if (!existsSync(join(pkg.dir, 'LICENSE')) || readFileSync(join(pkg.dir, 'LICENSE'), 'utf8') !== rootLicense) {
        copyFileSync(join(ROOT, 'LICENSE'), join(pkg.dir, 'LICENSE'));
      }
      problems = problemsOf({ ...fresh, manifest: fixed }, rootLicense);
    }
    for (const p of problems) console.error(`${pkg.rel}: ${p}`);
    failed += problems.length;
  }
  if (failed > 0) {
    console.error(`\nmanifests: ${failed} problem(s).${write ? '' : ' Fix with: node tools/manifests.mjs --write'}`);
    process.exit(1);
  }
  console.log('manifests: every publishable package.json has its publishing fields, LICENSE and README');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
