#!/usr/bin/env node
// `npm run check:packages` (part of `npm test`): what we would publish, checked as published.
//   1. manifests: publishing fields, LICENSE and README of every package (tools/manifests.mjs)
//   2. nx build, then `npm pack` of every package (prepack strips the source condition)
//   3. publint on each tarball (strict: warnings fail)
//   4. are-the-types-wrong on each tarball, with the rules in .attw.json
//   5. knip: unused files, exports and dependencies across the workspace (knip.json)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packAll, run } from './pack-check/pack.mjs';
import { ROOT } from './workspace-packages.mjs';

const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const failures = [];
const step = (label) => console.log(`check:packages: ${label}`);

step('manifests');
try {
  run(process.execPath, [join(ROOT, 'tools', 'manifests.mjs'), '--check'], { cwd: ROOT });
} catch (error) {
  failures.push(error.message);
}

step('build (nx)');
run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' } });

const dest = mkdtempSync(join(tmpdir(), 'voxelwise-pack-'));
try {
  step('npm pack');
  const packed = packAll(dest);

  step('publint');
  for (const p of packed) {
    const data = readFileSync(p.tarball);
    const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const { messages, pkg } = await publint({ pack: { tarball }, level: 'warning', strict: true });
    for (const m of messages) failures.push(`publint ${p.name}: ${formatMessage(m, pkg, { color: false })}`);
  }

  step('are-the-types-wrong');
  for (const p of packed) {
    try {
      run(bin('attw'), [p.tarball, '--format', 'ascii', '--no-emoji', '--no-color'], { cwd: ROOT });
    } catch (error) {
      failures.push(`attw ${p.name}: ${error.message}`);
    }
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}

step('knip');
try {
  run(bin('knip'), ['--no-progress'], { cwd: ROOT });
} catch (error) {
  failures.push(`knip: ${error.message}`);
}

if (failures.length > 0) {
  console.error(`\ncheck:packages failed:\n\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log('check:packages: manifests, publint, are-the-types-wrong and knip pass');
