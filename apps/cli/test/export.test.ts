import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNifti1 } from '@voxelwise/neuroimaging';
import { readScores } from '@voxelwise/trainer';
import type { ScoreColumns } from '@voxelwise/trainer';
import { runCli } from './run-cli.js';

/** tools/reference/neuroimaging_reference.py: what nibabel reads from a file. */
const SCRIPT = fileURLToPath(new URL('../../../tools/reference/neuroimaging_reference.py', import.meta.url));
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const nibabel = (() => {
  const probe = spawnSync(PYTHON, [SCRIPT, 'check'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : probe.stderr?.trim() || `no ${PYTHON}`;
})();

type Num = number | 'nan' | 'inf' | '-inf';
interface NibabelNifti {
  shape: number[];
  affine: Num[][];
  fdata: Num[];
}
interface NibabelGifti {
  meta: Record<string, string>;
  darrays: Array<{ meta: Record<string, string>; data: Num[] }>;
}

function nibabelRead<T>(file: string): T {
  const r = spawnSync(PYTHON, [SCRIPT, 'read', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`nibabel could not read ${file}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as Record<string, T>)[file]!;
}

const toNum = (v: Num): number => (v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const f32 = (x: number): number => Math.fround(x);

const dir = mkdtempSync(join(tmpdir(), 'vw-export-'));
const V = 24;
// A 4×3×3 grid whose mask keeps 24 of 36 voxels (x fastest), with an oblique-free affine of 2.5 mm voxels.
const SHAPE = [4, 3, 3] as const;
const AFFINE = [
  [-2.5, 0, 0, 40],
  [0, 2.5, 0, -60],
  [0, 0, 2.5, -20],
  [0, 0, 0, 1],
];
const maskValues = Uint8Array.from({ length: 36 }, (_, i) => (i % 3 === 1 ? 0 : 1));
const maskIndices = [...maskValues.keys()].filter((i) => maskValues[i] === 1);
let runDir = '';
let scores: ScoreColumns;

function setGeometry(geometry: unknown): string {
  // A copy of the run with the geometry an assembly source would have recorded.
  const copy = mkdtempSync(join(dir, 'run-'));
  for (const f of ['run.json', 'scores.arrow', 'metrics.json', 'config.json']) writeFileSync(join(copy, f), readFileSync(join(runDir, f)));
  const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { assembly: Record<string, unknown> };
  run.assembly['geometry'] = geometry;
  writeFileSync(join(copy, 'run.json'), JSON.stringify(run));
  return copy;
}

beforeAll(async () => {
  expect(maskIndices).toHaveLength(V);
  await writeNifti1(join(dir, 'mask.nii.gz'), { data: maskValues, shape: SHAPE, affine: AFFINE });
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      outDir: join(dir, 'results'),
      assembly: { name: 'simulated', options: { voxels: V, stories: 3, duration: 120, seed: 2 } },
      features: [{ name: 'wordrate' }],
    }),
  );
  const r = await runCli(['train', '--config', config, '--quiet']);
  expect(r.code, r.err).toBe(0);
  runDir = /results in (\S+)/.exec(r.out)![1]!;
  scores = await readScores(join(runDir, 'scores.arrow'));
});

describe.skipIf(Boolean(nibabel))(`voxelwise export read by nibabel${nibabel ? ` (SKIPPED: ${nibabel})` : ''}`, () => {
  it('rebuilds a ds003020-like run (no geometry) through --mask: values at the mask voxels, 0 elsewhere, the mask affine', async () => {
    const out = join(dir, 'nifti-mask');
    const r = await runCli(['export', runDir, '--format', 'nifti', '--mask', join(dir, 'mask.nii.gz'), '--out', out]);
    expect(r.code, r.err).toBe(0);
    for (const [name, values] of [
      ['r', scores.r],
      ['p', scores.p!],
      ['q', scores.pCorrected!],
      ['alpha', scores.alpha!],
      ['significant', scores.significant!],
    ] as const) {
      const img = nibabelRead<NibabelNifti>(join(out, `${name}.nii.gz`));
      expect(img.shape).toEqual([...SHAPE]);
      expect(img.affine.map((row) => row.map(toNum))).toEqual(AFFINE);
      const expected = new Array<number>(36).fill(0);
      maskIndices.forEach((voxel, j) => (expected[voxel] = f32(values[j]!)));
      expect(img.fdata.map(toNum), name).toEqual(expected);
    }
  });

  it('writes a volume run through the geometry it recorded (mask and reference header)', async () => {
    const copy = setGeometry({
      kind: 'volume',
      shape: SHAPE,
      affine: AFFINE.flat(),
      maskFile: join(dir, 'mask.nii.gz'),
      referenceFile: join(dir, 'mask.nii.gz'),
    });
    const r = await runCli(['export', copy]);
    expect(r.code, r.err).toBe(0);
    const img = nibabelRead<NibabelNifti>(join(copy, 'export', 'r.nii.gz'));
    expect(img.fdata.filter((_, i) => maskValues[i] === 1).map(toNum)).toEqual(Array.from(scores.r, f32));
  });

  it('writes one .func.gii per hemisphere and map for a surface run', async () => {
    const copy = setGeometry({
      kind: 'surface',
      space: 'fsaverage-test',
      hemispheres: [
        { hemi: 'L', nVertices: 10 },
        { hemi: 'R', nVertices: V - 10 },
      ],
    });
    const r = await runCli(['export', copy]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('r_hemi-L.func.gii');
    const left = nibabelRead<NibabelGifti>(join(copy, 'export', 'r_hemi-L.func.gii'));
    const right = nibabelRead<NibabelGifti>(join(copy, 'export', 'q_hemi-R.func.gii'));
    expect(left.meta['AnatomicalStructurePrimary']).toBe('CortexLeft');
    expect(left.darrays[0]!.data.map(toNum)).toEqual(Array.from(scores.r.subarray(0, 10), f32));
    expect(right.darrays[0]!.data.map(toNum)).toEqual(Array.from(scores.pCorrected!.subarray(10), f32));
  });
});

describe.skipIf(Boolean(nibabel))(`a simulated Narratives subject end to end${nibabel ? ` (SKIPPED: ${nibabel})` : ''}`, () => {
  it('trains on the surface layout, draws its brain map and exports GIfTI that nibabel reads with the run values', async () => {
    const { writeSimulatedNarratives } = await import('@voxelwise/assembly');
    const root = join(dir, 'ds002345');
    const sim = await writeSimulatedNarratives({ seed: 2, icoOrder: 2, stories: 3, duration: 90 }, root);
    const config = join(dir, 'narratives.json');
    writeFileSync(
      config,
      JSON.stringify({
        outDir: join(dir, 'narratives-results'),
        assembly: { name: 'narratives', options: { root, subject: sim.subject, space: sim.space } },
        features: [{ name: 'wordrate' }],
      }),
    );
    const trained = await runCli(['train', '--config', config, '--quiet']);
    expect(trained.code, trained.err).toBe(0);
    const narrRun = /results in (\S+)/.exec(trained.out)![1]!;
    const html = readFileSync(join(narrRun, 'report.html'), 'utf8');
    for (const hemi of ['L', 'R'])
      for (const view of ['lateral', 'medial']) expect(html).toContain(`data-map="significant" data-hemi="${hemi}" data-view="${view}"`);
    const exported = await runCli(['export', narrRun]);
    expect(exported.code, exported.err).toBe(0);
    const narrScores = await readScores(join(narrRun, 'scores.arrow'));
    const nLeft = narrScores.r.length / 2;
    const right = nibabelRead<NibabelGifti>(join(narrRun, 'export', 'r_hemi-R.func.gii'));
    expect(right.meta['AnatomicalStructurePrimary']).toBe('CortexRight');
    expect(right.darrays[0]!.data.map(toNum)).toEqual(Array.from(narrScores.r.subarray(nLeft), f32));
  });
});

describe('voxelwise export', () => {
  it('keeps the flat column order without a mask, and says so', async () => {
    const out = join(dir, 'flat');
    const r = await runCli(['export', runDir, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('flat column order');
    expect(r.err).toContain('--mask');
    const { readNifti, niftiFdata } = await import('@voxelwise/neuroimaging');
    const img = await readNifti(join(out, 'r.nii.gz'));
    expect(img.header.shape.slice(0, 3)).toEqual([V, 1, 1]);
    expect(Array.from(niftiFdata(img))).toEqual(Array.from(scores.r, f32));
  });

  it('writes maps.npy (maps × columns) with maps.json naming the rows', async () => {
    const out = join(dir, 'npy');
    const r = await runCli(['export', runDir, '--format', 'npy', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const index = JSON.parse(readFileSync(join(out, 'maps.json'), 'utf8')) as { rows: string[]; columns: number };
    expect(index).toMatchObject({ rows: ['r', 'p', 'q', 'alpha', 'significant'], columns: V });
    const { readNpy } = await import('@voxelwise/io');
    const npy = readNpy(new Uint8Array(readFileSync(join(out, 'maps.npy'))), 'maps.npy');
    expect([npy.rows, npy.cols]).toEqual([5, V]);
    expect(Array.from(npy.data).slice(0, V)).toEqual(Array.from(scores.r, f32));
  });

  it('refuses a mask of the wrong size, GIfTI for a volume run, an existing folder and a bad format', async () => {
    const small = join(dir, 'small-mask.nii.gz');
    await writeNifti1(small, { data: new Uint8Array(8).fill(1), shape: [2, 2, 2] });
    const wrong = await runCli(['export', runDir, '--mask', small, '--out', join(dir, 'x1')]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('E_SHAPE_MISMATCH');
    expect(wrong.err).toContain('small-mask.nii.gz has 8 non-zero voxels, the run 24 columns');
    const gifti = await runCli(['export', runDir, '--format', 'gifti', '--out', join(dir, 'x2')]);
    expect(gifti.code).toBe(2);
    expect(gifti.err).toContain('--format nifti');
    const again = await runCli(['export', runDir, '--format', 'npy', '--out', join(dir, 'npy')]);
    expect(again.code).not.toBe(0);
    expect((await runCli(['export', runDir, '--format', 'npy', '--out', join(dir, 'npy'), '--force'])).code).toBe(0);
    expect((await runCli(['export', runDir, '--format', 'mgz'])).code).toBe(2);
  });
});
