import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSurfaceMesh } from '@voxelwise/neuroimaging';
import { findChromium, inspectReport, readRunJson, readScores, train } from '../src/index.js';
import { rasterSurface } from '../src/report/brain-map-raster.js';
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
  for (let p = 0; p < c.width * c.height; p++) if (Math.abs(d[4 * p] - d[4 * p + 2]) > 40) coloured.push(p);
  const box = img.getBoundingClientRect();
  return { map: img.dataset.map, hemi: img.dataset.hemi, view: img.dataset.view, width: c.width, height: c.height, shown: box.width * box.height, coloured };
}))`;

interface SeenImage {
  map: string;
  hemi: 'L' | 'R';
  view: 'lateral' | 'medial';
  width: number;
  height: number;
  shown: number;
  coloured: number[];
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
    const planted = truth.groundTruth.planted;
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

    const nV = 162;
    let colouredPixels = 0;
    let colouredOnPlanted = 0;
    for (const img of images.filter((i) => i.map === 'significant')) {
      const mesh = await readSurfaceMesh(join(meshDir, `${img.hemi === 'L' ? 'lh' : 'rh'}.pial`));
      const raster = rasterSurface(mesh.coords, mesh.faces, img.hemi, img.view, img.width, img.height);
      const offset = img.hemi === 'L' ? 0 : nV;
      const coloured = new Set(img.coloured);
      // The picture is the data: a pixel is coloured exactly where a significant vertex is drawn.
      for (let p = 0; p < raster.vertex.length; p++) {
        const v = raster.vertex[p]!;
        const expected = v >= 0 && sig[offset + v] === 1;
        if (coloured.has(p) !== expected) expect.fail(`${img.hemi} ${img.view} pixel ${p}: coloured ${coloured.has(p)}, vertex ${v}`);
        if (expected) {
          colouredPixels++;
          if (planted[offset + v] === 1) colouredOnPlanted++;
        }
      }
    }
    // BH-FDR at q = 0.05 keeps the expected share of noise vertices among the significant ones
    // under q: allow 2q of the coloured area off the planted region.
    expect(colouredPixels).toBeGreaterThan(0);
    expect(colouredOnPlanted / colouredPixels).toBeGreaterThanOrEqual(0.9);
    // Planted vertices have SNR ≥ 1 in this simulation: nearly all of them are found.
    const plantedIdx = planted.flatMap((p, j) => (p === 1 ? [j] : []));
    const found = plantedIdx.filter((j) => sig[j] === 1).length;
    expect(found / plantedIdx.length).toBeGreaterThanOrEqual(0.8);
    console.log(
      `brain map: ${colouredOnPlanted}/${colouredPixels} coloured pixels on the planted region; ${found}/${plantedIdx.length} planted vertices significant`,
    );
  });
});
