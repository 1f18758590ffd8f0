#!/usr/bin/env node
// npm `prepack` / `postpack` of every publishable package (run with the package folder as cwd).
//   node ../../tools/prepack.mjs            strip the `@voxelwise/source` export condition from
//                                           package.json (it points at src/, which is not shipped)
//   node ../../tools/prepack.mjs --restore  put the original package.json back, byte for byte
// The original is kept in node_modules/.voxelwise-prepack/ (never packed). If a pack died between
// the two steps, the next prepack starts from that saved original, so nothing is lost.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE_CONDITION = '@voxelwise/source';

/** A copy of `exports` without the source condition at any depth. */
export function stripCondition(value) {
  if (Array.isArray(value)) return value.map(stripCondition);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, v]) => [key, stripCondition(v)]),
  );
}

function main() {
  const dir = process.cwd();
  const file = join(dir, 'package.json');
  const backupDir = join(dir, 'node_modules', '.voxelwise-prepack');
  const backup = join(backupDir, 'package.json');

  if (process.argv.includes('--restore')) {
    if (!existsSync(backup)) {
      console.error(`prepack --restore: no saved package.json in ${backupDir}; leaving ${file} as it is`);
      return;
    }
    writeFileSync(file, readFileSync(backup));
    rmSync(backupDir, { recursive: true, force: true });
    return;
  }

  let original;
  if (existsSync(backup)) {
    console.error(`prepack: an earlier pack did not restore ${file}; starting from the saved original`);
    original = readFileSync(backup);
  } else {
    original = readFileSync(file);
    mkdirSync(backupDir, { recursive: true });
    writeFileSync(backup, original);
  }
  const manifest = JSON.parse(original.toString('utf8'));
  if (manifest.exports !== undefined) manifest.exports = stripCondition(manifest.exports);
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

main();
