/**
 * What checking an Arrow assembly as it is read costs (never part of the product).
 *
 *   node --conditions=@voxelwise/source --import tsx tools/bench/assembly/verify.ts [--voxels 16000] [--stories 8] [--reps 3]
 *
 * Simulates a mid-size subject, writes it in the native format (per-block SHA-256 in the
 * manifest), then in this one process reads every story's responses whole, alternating
 * `openAssembly(dir)` (verified) and `openAssembly(dir, { verify: false })`, and prints the best
 * wall and CPU seconds of each, the difference, and MB/s of the checks alone, with the load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAssembly, simulateSubject, writeSimulatedNative } from '@voxelwise/assembly';

const args = process.argv.slice(2);
const opt = (name: string, d: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : d);
const voxels = opt('voxels', 16000);
const stories = opt('stories', 8);
const reps = opt('reps', 3);
const say = (s: string) => process.stdout.write(`${s}\n`);
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

const work = mkdtempSync(path.join(os.tmpdir(), 'vw-verify-bench-'));
try {
  const dir = path.join(work, 'sim.vw');
  const sim = await simulateSubject({ seed: 2, stories, duration: 400, voxels, testRepeats: 1, subject: 'bench' });
  await writeSimulatedNative(sim, dir);
  say(`${stories} stories × ${voxels} voxels written to ${dir}; ${uptime()}`);
  const read = async (verify: boolean) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const a = await openAssembly(dir, { verify });
    let bytes = 0;
    for (const name of a.storyNames) bytes += (await (await a.story(name)).responses()).data.byteLength;
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, bytes };
  };
  await read(true); // warm the page cache and the JIT for both paths
  await read(false);
  const best = { on: { seconds: Infinity, cpu: Infinity, bytes: 0 }, off: { seconds: Infinity, cpu: Infinity, bytes: 0 } };
  for (let r = 0; r < reps; r++) {
    for (const verify of [true, false]) {
      const x = await read(verify);
      const k = verify ? 'on' : 'off';
      best[k] = { seconds: Math.min(best[k].seconds, x.seconds), cpu: Math.min(best[k].cpu, x.cpu), bytes: x.bytes };
    }
  }
  const mb = best.on.bytes / 1e6;
  const extra = best.on.seconds - best.off.seconds;
  const extraCpu = best.on.cpu - best.off.cpu;
  say(`read ${mb.toFixed(1)} MB of responses, best of ${reps}:`);
  say(`  verified      ${best.on.seconds.toFixed(3)} s wall (${(mb / best.on.seconds).toFixed(0)} MB/s), ${best.on.cpu.toFixed(3)} cpu s`);
  say(
    `  not verified  ${best.off.seconds.toFixed(3)} s wall (${(mb / best.off.seconds).toFixed(0)} MB/s), ${best.off.cpu.toFixed(3)} cpu s`,
  );
  say(
    `  verification  +${extra.toFixed(3)} s wall (+${((100 * extra) / best.off.seconds).toFixed(0)} %), +${extraCpu.toFixed(3)} cpu s; checks alone ≈ ${(mb / Math.max(extraCpu, 1e-9)).toFixed(0)} MB per cpu-s`,
  );
  say(`  for the 3.61 GB LeBel-sized subject: ≈ ${((3610 / mb) * extraCpu).toFixed(1)} cpu s (extrapolated from these MB per cpu-s)`);
  say(uptime());
} finally {
  rmSync(work, { recursive: true, force: true });
}
