/**
 * The measured step of tools/bench/assembly/brain-bench.ts, in its own process so its peak RSS is its
 * own: imports a Narratives or LPP dataset and prints one JSON line.
 *
 *   brain-child.ts narratives <root> <subject> <space> <out>
 *   brain-child.ts lpp <root> <subject> <out>
 */
import { readFileSync } from 'node:fs';
import { importLpp, importNarratives } from '@voxelwise/assembly';

const [layout, root, subject, a, b] = process.argv.slice(2);
/** Peak RSS of this process in kB (VmHWM). */
const rss = (): number => Number(/VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const res =
  layout === 'narratives'
    ? await importNarratives({ root: root!, subject: subject!, space: a! }, b!, { overwrite: true })
    : await importLpp({ root: root!, subject: subject! }, a!, { overwrite: true });
const u = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (u.user + u.system) / 1e6,
    stories: res.manifest.stories.length,
    trs: res.manifest.stories.reduce((t, s) => t + s.nTRs, 0),
    rows: res.manifest.stories.reduce((t, s) => t + s.nResponseRows, 0),
    columns: res.manifest.nVoxels,
    bytesWritten: res.bytes,
    maxRssKB: rss(),
  })}\n`,
);
