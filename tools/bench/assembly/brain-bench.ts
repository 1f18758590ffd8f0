/**
 * Time and memory to import a full-size simulated Narratives or Le Petit Prince subject
 * (issue 15's closing figures):
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/assembly/brain-bench.ts narratives   # fsaverage6: 81,924 vertices × ≈1,000 TRs
 *   node --conditions=@voxelwise/source --import tsx tools/bench/assembly/brain-bench.ts lpp          # MNI 2 mm: ≈194,000 mask voxels × ≈2,800 TRs
 *   … brain-bench.ts narratives --small                                                              # a quick check of the script
 *
 * The simulated dataset is written to a temporary folder (kept with --keep), then imported in a
 * child process (plain node on an esbuild bundle, as the built CLI runs) whose peak RSS (VmHWM) and
 * CPU time are reported with the load average.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSimulatedLpp, writeSimulatedNarratives } from '@voxelwise/assembly';
import { bundleChild } from './bundle-child.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const layout = process.argv[2];
if (layout !== 'narratives' && layout !== 'lpp') throw new Error('usage: brain-bench.ts narratives|lpp [--small] [--keep]');
const small = process.argv.includes('--small');
// --root <dir>: import a dataset simulated (and kept) by an earlier run instead of simulating one.
const given = process.argv.includes('--root') ? process.argv[process.argv.indexOf('--root') + 1] : undefined;
const base = mkdtempSync(path.join(os.tmpdir(), `vw-bench-${layout}-`));
const root = given ?? path.join(base, layout === 'narratives' ? 'ds002345' : 'ds003643');
const say = (s: string) => process.stdout.write(`${s}\n`);
const load = () =>
  `load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const du = (p: string) => Number(execFileSync('du', ['-sb', p], { encoding: 'utf8' }).split('\t')[0]) / 1e6;

const bundle = bundleChild('brain-child.ts', 'brain-child');

try {
  say(`node ${process.version}, ${os.cpus().length} CPUs, ${load()}`);
  let t0 = performance.now();
  // Narratives fsaverage6: 4 tasks of ≈250 TRs (1.5 s); LPP: 9 runs of ≈310 TRs (2 s) on MNI 2 mm.
  const sim = given
    ? (JSON.parse(readFileSync(path.join(root, 'simulation', 'ground-truth.json'), 'utf8')) as { subject: string; space: string })
    : layout === 'narratives'
      ? await writeSimulatedNarratives(small ? { icoOrder: 3, duration: 60 } : { icoOrder: 6, stories: 4, duration: 335 }, root)
      : await writeSimulatedLpp(
          small ? { duration: 60, stories: 3 } : { shape: [97, 115, 97], voxelSize: 2, stories: 9, duration: 590 },
          root,
        );
  if (!given) say(`simulated in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${du(root).toFixed(0)} MB on disk; ${load()}`);
  t0 = performance.now();
  const out = path.join(base, 'out.vw');
  const args = layout === 'narratives' ? [layout, root, sim.subject, sim.space, out] : [layout, root, sim.subject, out];
  const r = spawnSync(process.execPath, [bundle, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    cwd: path.join(here, '..', '..', '..'),
  });
  if (r.status !== 0) throw new Error(`import failed (${r.status}): ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  say(
    `import: ${m['stories']} stories, ${m['trs']} TRs (${m['rows']} response rows) × ${m['columns']} columns: ${m['seconds']!.toFixed(1)} s wall, ${m['cpuSeconds']!.toFixed(1)} CPU s, peak RSS ${(m['maxRssKB']! / 1024).toFixed(0)} MB, ${(m['bytesWritten']! / 1e6).toFixed(0)} MB written; ${load()}`,
  );
} finally {
  if (!process.argv.includes('--keep')) rmSync(base, { recursive: true, force: true });
  else say(`kept ${base}`);
}
