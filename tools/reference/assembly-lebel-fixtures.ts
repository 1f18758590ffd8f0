/**
 * Regenerates the LeBel known-answer fixtures of @voxelwise/assembly (never part of the product):
 *
 *   node --conditions=@voxelwise/source --import tsx tools/reference/assembly-lebel-fixtures.ts <huth>
 *
 * where <huth> is either a checkout of HuthLab/deep-fMRI-dataset's `encoding/` folder or a git
 * directory of that repository (its `encoding/` is extracted to a temporary folder).
 *
 * - test/fixtures/lebel-mini/: a small simulated subject in the LeBel ds003020 layout (6 stories,
 *   TextGrids in every encoding/layout/line-ending variant the simulator writes, hf5 responses).
 * - test/fixtures/huth-lebel-mini.json: words, word times, TR times and split_inds of those
 *   stories computed by Huth's own code (tools/reference/assembly-huth-reference.py).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateSubject, writeSimulatedLebel } from '@voxelwise/assembly';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', '..', 'packages', 'assembly', 'test', 'fixtures');
const huthArg = process.argv[2];
if (!huthArg) {
  process.stderr.write('usage: assembly-lebel-fixtures.ts <HuthLab/deep-fMRI-dataset encoding dir or git dir>\n');
  process.exit(2);
}

/** The subject every LeBel fixture test uses. */
const FIXTURE = { seed: 11, stories: 6, duration: 40, voxels: 6, subject: 'UTS01', testRepeats: 3 } as const;

let huthEncoding = path.resolve(huthArg);
let tmp: string | undefined;
if (!existsSync(path.join(huthEncoding, 'ridge_utils'))) {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'huth-'));
  const tar = execFileSync('git', ['--git-dir', huthEncoding, 'archive', 'HEAD', 'encoding/ridge_utils'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', tmp], { input: tar });
  huthEncoding = path.join(tmp, 'encoding');
}

const sim = await simulateSubject(FIXTURE);
const root = path.join(fixtures, 'lebel-mini');
await writeSimulatedLebel(sim, root, { overwrite: true });
const json = execFileSync('python3', [path.join(here, 'assembly-huth-reference.py'), huthEncoding, root], {
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
writeFileSync(
  path.join(fixtures, 'huth-lebel-mini.json'),
  `${JSON.stringify({ _source: 'HuthLab/deep-fMRI-dataset encoding/ridge_utils (TextGrid, make_word_ds, load_simulated_trfiles, DataSequence.from_grid) run unmodified by tools/reference/assembly-huth-reference.py on test/fixtures/lebel-mini', fixture: FIXTURE, stories: JSON.parse(json) }, null, 1)}\n`,
);
if (tmp) rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`wrote ${root} and huth-lebel-mini.json\n`);
