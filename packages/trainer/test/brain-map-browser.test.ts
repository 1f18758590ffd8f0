import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSurfaceMesh } from '@voxelwise/neuroimaging';
import { findChromium, inspectReport, readRunJson, readScores, train } from '../src/index.js';
import { rasterSurface } from '../src/report/brain-map-raster.js';
import { writeSimulatedNarratives } from '@voxelwise/assembly';
import { testRegistry } from './helpers/registry.js';
import { surfaceSubjectStage } from './helpers/surface-subject.js';

const chromium = findChromium();

/** Runs in the page: every brain-map image as Chromium decoded it, with the pixels that carry a colour. */
const READ_PIXELS = `Promise.all([...document.querySelectorAll('img.brain-map')].map(async (img) => {
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const coloured = [];
  const strong = [];
  for (let p = 0; p < c.width * c.height; p++) {
    const chroma = Math.abs(d[4 * p] - d[4 * p + 2]);
    if (chroma > 40) coloured.push(p);
    if (chroma > 100) strong.push(p);
  }
  const box = img.getBoundingClientRect();
  return { map: img.dataset.map, hemi: img.dataset.hemi, view: img.dataset.view, width: c.width, height: c.height, shown: box.width * box.height, coloured, strong };
}))`;

/**
 * Checks the pictures against the data. Significant-only map: a pixel is coloured exactly where a
 * significant vertex is drawn (the mesh rasterised again at the picture's size). Returns, over
 * those pictures, the share of coloured pixels on planted vertices and of planted vertices found;
 * and over the test-r pictures, the share of strongly coloured pixels on planted vertices and of
 * planted-vertex pixels in strong colour.
 */
async function checkPicture(
  images: SeenImage[],
  meshOf: (hemi: 'L' | 'R') => string,
  offsets: [number, number],
  sig: Uint8Array,
  planted: readonly number[],
): Promise<{ precision: number; recall: number; strongPrecision: number; strongRecall: number }> {
  const isPlanted = new Set(planted);
  const count = { coloured: 0, colouredOnPlanted: 0, strong: 0, strongOnPlanted: 0, plantedPixels: 0, plantedStrong: 0 };
  expect(images.filter((i) => i.map === 'significant')).toHaveLength(4);
  for (const img of images) {
    const mesh = await readSurfaceMesh(meshOf(img.hemi));
    const raster = rasterSurface(mesh.coords, mesh.faces, img.hemi, img.view, img.width, img.height);
    const offset = img.hemi === 'L' ? offsets[0] : offsets[1];
    const coloured = new Set(img.coloured);
    const strong = new Set(img.strong);
    for (let p = 0; p < raster.vertex.length; p++) {
      const v = raster.vertex[p]!;
      const onPlanted = v >= 0 && isPlanted.has(offset + v);
      if (img.map === 'significant') {
        const expected = v >= 0 && sig[offset + v] === 1;
        if (coloured.has(p) !== expected) expect.fail(`${img.hemi} ${img.view} pixel ${p}: coloured ${coloured.has(p)}, vertex ${v}`);
        if (expected) {
          count.coloured++;
          if (onPlanted) count.colouredOnPlanted++;
        }
      } else {
        if (strong.has(p)) {
          count.strong++;
          if (onPlanted) count.strongOnPlanted++;
        }
        if (onPlanted) {
          count.plantedPixels++;
          if (strong.has(p)) count.plantedStrong++;
        }
      }
    }
  }
  expect(count.coloured).toBeGreaterThan(0);
  expect(count.strong).toBeGreaterThan(0);
  const found = planted.filter((j) => sig[j] === 1).length;
  console.log(
    `brain map: significant-only ${count.colouredOnPlanted}/${count.coloured} coloured pixels on the planted region, ${found}/${planted.length} planted vertices significant; test r ${count.strongOnPlanted}/${count.strong} strong pixels on it, ${count.plantedStrong}/${count.plantedPixels} of its pixels strong`,
  );
  return {
    precision: count.colouredOnPlanted / count.coloured,
    recall: found / planted.length,
    strongPrecision: count.strongOnPlanted / count.strong,
    strongRecall: count.plantedStrong / count.plantedPixels,
  };
}

interface SeenImage {
  map: string;
  hemi: 'L' | 'R';
  view: 'lateral' | 'medial';
  width: number;
  height: number;
  shown: number;
  coloured: number[];
  /** Pixels in strong colour (|r| near the top of the colour range). */
  strong: number[];
}

describe('brain map in headless Chromium', () => {
  it.skipIf(!chromium)('shows the planted region of a simulated surface subject on the significant-only map', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'vw-brain-'));
    const meshDir = mkdtempSync(join(tmpdir(), 'vw-brain-mesh-'));
    const result = await train(
      {
        name: 'brain',
        outDir,
        assembly: { name: 'simulated-surface', options: { seed: 5 } } as never,
        features: [{ name: 'wordrate', options: { mode: 'huth' } }],
        model: { name: 'ridge-cv' },
      },
      { registry: testRegistry().use(surfaceSubjectStage(meshDir)) },
    );
    const run = await readRunJson(result.runDir);
    expect(run.assembly.geometry?.kind).toBe('surface');
    const scores = await readScores(join(result.runDir, 'scores.arrow'));
    const truth = JSON.parse(readFileSync(join(result.runDir, 'assembly.json'), 'utf8')) as { groundTruth: { planted: number[] } };
    const planted = truth.groundTruth.planted.flatMap((p, j) => (p === 1 ? [j] : []));
    const sig = scores.significant!;

    const seen = await inspectReport(result.reportPath!, {
      executablePath: chromium!,
      evaluate: READ_PIXELS,
      screenshotPath: join(result.runDir, 'report.png'),
    });
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    const images = seen.evaluated as SeenImage[];
    // Two hemispheres × (lateral, medial) × (r, significant only).
    expect(images).toHaveLength(8);
    for (const img of images) expect(img.shown, `${img.map} ${img.hemi} ${img.view}`).toBeGreaterThan(100 * 100);

    const meshOf = (hemi: 'L' | 'R') => join(meshDir, `${hemi === 'L' ? 'lh' : 'rh'}.pial`);
    const seenMaps = await checkPicture(images, meshOf, [0, 162], sig, planted);
    // BH-FDR at q = 0.05 keeps the expected share of noise vertices among the significant ones
    // under q: allow 2q of the coloured area off the planted region.
    expect(seenMaps.precision).toBeGreaterThanOrEqual(0.9);
    // Planted vertices have SNR ≥ 1 in this simulation: nearly all of them are found.
    expect(seenMaps.recall).toBeGreaterThanOrEqual(0.8);
    expect(seenMaps.strongPrecision).toBeGreaterThanOrEqual(0.9);
  });

  it.skipIf(!chromium)('shows the planted region of a simulated Narratives subject (fsaverage2-like, inflated mesh)', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'vw-brain-narr-'));
    const root = join(mkdtempSync(join(tmpdir(), 'vw-brain-narr-ds-')), 'ds002345');
    const sim = await writeSimulatedNarratives({ seed: 4, icoOrder: 2, stories: 4, duration: 150, snrMin: 1.5, snrMax: 4 }, root);
    const result = await train(
      {
        name: 'narratives',
        outDir,
        assembly: { name: 'narratives', options: { root, subject: sim.subject, space: sim.space } },
        features: [{ name: 'wordrate', options: { mode: 'huth' } }],
        model: { name: 'ridge-cv' },
      },
      { registry: testRegistry() },
    );
    const run = await readRunJson(result.runDir);
    const geometry = run.assembly.geometry;
    if (geometry?.kind !== 'surface') throw new Error('the Narratives run records no surface geometry');
    const [left, right] = geometry.hemispheres;
    expect(left?.meshes?.inflated).toBeDefined();
    const scores = await readScores(join(result.runDir, 'scores.arrow'));
    const seen = await inspectReport(result.reportPath!, { executablePath: chromium!, evaluate: READ_PIXELS });
    expect(seen.errors).toEqual([]);
    const images = seen.evaluated as SeenImage[];
    expect(images).toHaveLength(8);
    const meshOf = (hemi: 'L' | 'R') => (hemi === 'L' ? left : right)!.meshes!.inflated!;
    const seenMaps = await checkPicture(images, meshOf, [0, left!.nVertices], scores.significant!, sim.truth.planted);
    // The simulation plants SNR ≥ 1.5, so planted vertices reach r ≈ snr / √(1 + snr²) ≥ 0.83 and
    // noise vertices stay near 0: the strong colours of the test-r map are the planted region.
    expect(seenMaps.strongPrecision).toBeGreaterThanOrEqual(0.9);
    expect(seenMaps.strongRecall).toBeGreaterThanOrEqual(0.9);
    expect(seenMaps.recall).toBeGreaterThanOrEqual(0.9);
    // The significant-only map: the region is found whole, and is most of the coloured area. Not
    // 1 − 2q as for the white-noise subject above: nested-CV p-values of this layout come out
    // liberal (noise vertices at r ≈ 0.15 reach p ≈ 1e-3 … 1e-5).
    expect(seenMaps.precision).toBeGreaterThanOrEqual(0.5);
  });
});
