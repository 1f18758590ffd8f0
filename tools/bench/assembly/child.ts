/**
 * One measured step of tools/bench/assembly/bench.ts, run in its own process so its peak RSS is
 * its own (never part of the product). Prints one JSON line.
 *
 *   child.ts import <root> <subject> <out> [--skip-hashes]   importLebel into <out>
 *   child.ts read-hf5 <root> <subject>                        read every hf5 voxel block (h5wasm), no writing
 *   child.ts read-arrow <dir> <root> <subject>                read every story of the Arrow assembly, then check
 *                                                             it bit for bit against the hf5 files (not timed)
 */
import { readFileSync } from 'node:fs';
import { importLebel, openAssembly, openLebel } from '@voxelwise/assembly';

const [mode, a, b, c] = process.argv.slice(2);
/** Peak RSS of this process in kB (VmHWM: reset at exec, unlike getrusage's maxrss, which a spawned child inherits from its parent). */
const rss = (): number => Number(/VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN);
const cpu0 = process.cpuUsage();
const cpuSeconds = (): number => {
  const u = process.cpuUsage(cpu0);
  return (u.user + u.system) / 1e6;
};
const t0 = performance.now();

if (mode === 'import') {
  const res = await importLebel({ root: a!, subject: b! }, c!, { hashSources: !process.argv.includes('--skip-hashes') });
  const seconds = (performance.now() - t0) / 1000;
  const responseBytes = res.manifest.stories.reduce((t, s) => t + s.nResponseRows * s.nVoxels * 4, 0);
  process.stdout.write(
    `${JSON.stringify({ seconds, cpuSeconds: cpuSeconds(), responseBytes, bytesWritten: res.bytes, stories: res.manifest.stories.length, voxels: res.manifest.nVoxels, maxRssKB: rss() })}\n`,
  );
} else if (mode === 'read-hf5') {
  const asm = await openLebel({ root: a!, subject: b! });
  let bytes = 0;
  let check = 0;
  for (const name of asm.storyNames) {
    const s = await asm.story(name);
    for (let v0 = 0; v0 < s.nVoxels; v0 += 4096) {
      const r = await s.responses({ voxelStart: v0, voxelEnd: Math.min(s.nVoxels, v0 + 4096) });
      bytes += r.data.byteLength;
      check += r.data[0]!;
    }
  }
  process.stdout.write(
    `${JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSeconds(), bytes, check, maxRssKB: rss() })}\n`,
  );
} else if (mode === 'read-arrow') {
  // --no-verify: the same read without the per-block SHA-256 checks (to measure what they cost).
  const asm = await openAssembly(a!, { verify: !process.argv.includes('--no-verify') });
  let bytes = 0;
  let check = 0;
  for (const name of asm.storyNames) {
    const r = await (await asm.story(name)).responses();
    bytes += r.data.byteLength;
    check += r.data[0]!;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds();
  const maxRssKB = rss();
  // Bit-exact check against the source files, block by block (outside the timing).
  const src = await openLebel({ root: b!, subject: c! });
  let mismatches = 0;
  let compared = 0;
  for (const name of asm.storyNames) {
    const x = await asm.story(name);
    const y = await src.story(name);
    for (let v0 = 0; v0 < x.nVoxels; v0 += 8192) {
      const range = { voxelStart: v0, voxelEnd: Math.min(x.nVoxels, v0 + 8192) };
      const p = new Uint32Array((await x.responses(range)).data.buffer);
      const q = new Uint32Array((await y.responses(range)).data.buffer);
      for (let k = 0; k < p.length; k++) if (p[k] !== q[k]) mismatches++;
      compared += p.length;
    }
  }
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: cpu, bytes, check, maxRssKB, compared, mismatches })}\n`);
} else {
  process.stderr.write('usage: child.ts import|read-hf5|read-arrow …\n');
  process.exit(2);
}
