import { isVoxelwiseError } from '@voxelwise/core';
import type { ScoreColumns } from '../arrow-io.js';
import type { RunJson } from '../run-json.js';
import { encodePng } from './brain-map-png.js';
import { glassBrain, paint, rasterSurface } from './brain-map-raster.js';
import type { GlassPlane, SurfaceView, VolumeLayout } from './brain-map-raster.js';
import { esc, num } from './svg.js';

/** The geometry run.json records (core `BrainGeometry`). */
type Geometry = NonNullable<RunJson['assembly']['geometry']>;

/** The brain maps of a run, ready to embed. */
export interface BrainMapFigures {
  kind: 'surface' | 'volume';
  /** e.g. `fsaverage5`, `MNI152NLin2009cAsym`. */
  space?: string;
  /** The mesh drawn per hemisphere (`inflated`, `pial`, …). */
  meshes: Partial<Record<'L' | 'R', string>>;
  /** r at full colour (the 99th percentile of |r|). */
  vmax: number;
  /** One rasterised picture per map and view. */
  images: Array<{
    /** `r`: every vertex/voxel's test r; `significant`: only the significant ones. */
    map: 'r' | 'significant';
    /** Hemisphere of a surface view. */
    hemi?: 'L' | 'R';
    /** `lateral` / `medial` (surface) or `sagittal` / `coronal` / `axial` (glass brain). */
    view: SurfaceView | GlassPlane;
    width: number;
    height: number;
    /** The PNG, base64. */
    png: string;
  }>;
  /** Why something is missing (a mesh that did not read, a surface without meshes). */
  notes: string[];
}

/** Surface views drawn per hemisphere, left to right on the page. */
const VIEWS: Record<'L' | 'R', SurfaceView[]> = { L: ['lateral', 'medial'], R: ['medial', 'lateral'] };
/** Mesh preferred for drawing: inflated when given (nothing hidden in sulci), else the next best. */
const MESH_ORDER = ['inflated', 'midthickness', 'pial', 'white'] as const;
const SURFACE_SIZE = { width: 300, height: 210 };
const GLASS_SIZE = 220;

function percentileAbs(values: ArrayLike<number>, q: number): number {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) a.push(Math.abs(values[i]!));
  if (a.length === 0) return 1;
  a.sort((x, y) => x - y);
  return Math.max(a[Math.min(a.length - 1, Math.floor(q * (a.length - 1)))]!, 1e-6);
}

function pngOf(rgb: Uint8Array, width: number, height: number): string {
  return Buffer.from(encodePng(rgb, width, height)).toString('base64');
}

function why(e: unknown): string {
  return isVoxelwiseError(e) || e instanceof Error ? e.message : String(e);
}

async function surfaceFigures(g: Extract<Geometry, { kind: 'surface' }>, scores: ScoreColumns, vmax: number): Promise<BrainMapFigures> {
  const out: BrainMapFigures = { kind: 'surface', space: g.space, meshes: {}, vmax, images: [], notes: [] };
  const { readSurfaceMesh } = await import('@voxelwise/neuroimaging');
  let offset = 0;
  for (const h of g.hemispheres) {
    const start = offset;
    offset += h.nVertices;
    const which = MESH_ORDER.find((m) => h.meshes?.[m]);
    if (!which) {
      out.notes.push(`No mesh file for hemisphere ${h.hemi}: give the assembly a pial or inflated mesh to draw it.`);
      continue;
    }
    const file = h.meshes![which]!;
    let mesh: Awaited<ReturnType<typeof readSurfaceMesh>>;
    try {
      mesh = await readSurfaceMesh(file);
    } catch (e) {
      out.notes.push(`Hemisphere ${h.hemi} not drawn: ${why(e)}`);
      continue;
    }
    if (mesh.vertexCount !== h.nVertices) {
      out.notes.push(`Hemisphere ${h.hemi} not drawn: ${file} has ${mesh.vertexCount} vertices, the run ${h.nVertices} columns for it.`);
      continue;
    }
    out.meshes[h.hemi] = which;
    const r = scores.r.subarray(start, start + h.nVertices);
    const sig = scores.significant?.subarray(start, start + h.nVertices);
    for (const view of VIEWS[h.hemi]) {
      const raster = rasterSurface(mesh.coords, mesh.faces, h.hemi, view, SURFACE_SIZE.width, SURFACE_SIZE.height);
      const draw = (map: 'r' | 'significant', show?: Uint8Array) =>
        out.images.push({
          map,
          hemi: h.hemi,
          view,
          width: raster.width,
          height: raster.height,
          png: pngOf(paint(raster.vertex, raster.shade, r, vmax, show), raster.width, raster.height),
        });
      draw('r');
      if (sig) draw('significant', sig);
    }
  }
  return out;
}

async function volumeFigures(g: Extract<Geometry, { kind: 'volume' }>, scores: ScoreColumns, vmax: number): Promise<BrainMapFigures> {
  const out: BrainMapFigures = { kind: 'volume', ...(g.space ? { space: g.space } : {}), meshes: {}, vmax, images: [], notes: [] };
  let indices: ArrayLike<number>;
  if (g.maskFile) {
    try {
      const { maskFromImage, readNifti } = await import('@voxelwise/neuroimaging');
      indices = maskFromImage(await readNifti(g.maskFile)).indices;
    } catch (e) {
      out.notes.push(`No glass brain: the mask did not read (${why(e)}).`);
      return out;
    }
  } else {
    indices = Uint32Array.from({ length: g.shape[0] * g.shape[1] * g.shape[2] }, (_, i) => i);
  }
  if (indices.length !== scores.r.length) {
    out.notes.push(`No glass brain: the mask has ${indices.length} voxels, the run ${scores.r.length} columns.`);
    return out;
  }
  const layout: VolumeLayout = { shape: g.shape, affine: g.affine, indices };
  for (const plane of ['sagittal', 'coronal', 'axial'] as const) {
    const draw = (map: 'r' | 'significant', show?: Uint8Array) => {
      const p = glassBrain(layout, plane, scores.r, GLASS_SIZE, show);
      out.images.push({
        map,
        view: plane,
        width: p.width,
        height: p.height,
        png: pngOf(paint(p.cell, undefined, scores.r, vmax, show), p.width, p.height),
      });
    };
    draw('r');
    if (scores.significant) draw('significant', scores.significant);
  }
  return out;
}

/**
 * The brain maps of a run whose assembly recorded its geometry: test r and significant-only
 * maps on lateral and medial views of each hemisphere (inflated mesh when given), or glass-brain
 * projections of a volume. Undefined without a geometry. Files that do not read become notes in
 * the figure instead of failing the report.
 */
export async function loadBrainMap(geometry: Geometry | undefined, scores: ScoreColumns): Promise<BrainMapFigures | undefined> {
  if (!geometry) return undefined;
  const vmax = percentileAbs(scores.r, 0.99);
  return geometry.kind === 'surface' ? surfaceFigures(geometry, scores, vmax) : volumeFigures(geometry, scores, vmax);
}

const SECTION_CSS = `#brain-map .brain-row{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:6px;align-items:end}#brain-map figure{margin:0}#brain-map img{display:block;image-rendering:pixelated;width:100%;height:auto;max-width:320px;margin:auto}#brain-map figcaption{font-size:12px;text-align:center}#brain-map .colourbar{width:220px;height:10px;background:linear-gradient(90deg,rgb(0,230,255),rgb(0,0,255) 49.5%,rgb(200,200,200) 50%,rgb(255,0,0) 50.5%,rgb(255,230,0))}#brain-map .colourbar-labels{display:flex;justify-content:space-between;width:220px;font-size:12px}`;

/** The report section of {@link loadBrainMap}'s figures ('' when the run has no geometry). */
export function brainMapSection(f: BrainMapFigures | undefined): string {
  if (!f) return '';
  const notes = f.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  const meshNames = [...new Set(Object.values(f.meshes))];
  const meshText =
    meshNames.length === 1
      ? `the ${esc(meshNames[0])} mesh`
      : Object.entries(f.meshes)
          .map(([h, m]) => `the ${h === 'L' ? 'left' : 'right'} ${esc(m)} mesh`)
          .join(' and ');
  const where =
    f.kind === 'surface'
      ? `on the cortical surface${f.space ? ` (${esc(f.space)})` : ''}${meshNames.length > 0 ? `, drawn on ${meshText}` : ''}`
      : `as a glass brain (maximum |r| along each axis)${f.space ? ` in ${esc(f.space)}` : ''}`;
  const rows = (['r', 'significant'] as const)
    .map((map) => {
      const imgs = f.images.filter((i) => i.map === map);
      if (imgs.length === 0) return '';
      const figs = imgs
        .map(
          (i) =>
            `<figure><img class="brain-map" alt="${esc(`${map === 'r' ? 'test r' : 'significant r'}${i.hemi ? `, ${i.hemi === 'L' ? 'left' : 'right'} hemisphere` : ''}, ${i.view}`)}" data-map="${map}"${i.hemi ? ` data-hemi="${i.hemi}"` : ''} data-view="${i.view}" width="${i.width}" height="${i.height}" src="data:image/png;base64,${i.png}"><figcaption>${i.hemi ? `${i.hemi === 'L' ? 'left' : 'right'} ` : ''}${esc(i.view)}</figcaption></figure>`,
        )
        .join('');
      return `<h3>${map === 'r' ? 'Test r' : 'Significant voxels only'}</h3><div class="brain-row" id="brain-map-${map}">${figs}</div>`;
    })
    .join('');
  const bar = `<div class="colourbar" role="img" aria-label="colour scale of r"></div><div class="colourbar-labels"><span>${esc(num(-f.vmax))}</span><span>0</span><span>${esc(num(f.vmax))}</span></div>`;
  return `<section id="brain-map"><style>${SECTION_CSS}</style><h2>Brain map</h2><p class="note">Test r ${where}. Colour saturates at |r| = ${esc(num(f.vmax))} (99th percentile of |r|); grey is the brain where r is near 0 or not significant.</p>${notes}${rows}${f.images.length > 0 ? bar : ''}</section>`;
}
