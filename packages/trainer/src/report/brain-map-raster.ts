/** Which side of a hemisphere a surface view looks at. */
export type SurfaceView = 'lateral' | 'medial';

/** A rasterised mesh view: for each pixel (rows top to bottom) the vertex drawn there and its shading. */
interface SurfaceRaster {
  width: number;
  height: number;
  /** Vertex nearest to the pixel on the visible face, −1 for background. */
  vertex: Int32Array;
  /** Lambert shading of the visible face, in [0, 1]. */
  shade: Float32Array;
}

/**
 * The viewing direction of a view: lateral looks at a left hemisphere from −x (anterior to the
 * left of the picture) and at a right one from +x; medial from the other side (nilearn's
 * `plot_surf` 'lateral' / 'medial' views).
 */
function viewerSide(hemi: 'L' | 'R', view: SurfaceView): 1 | -1 {
  const lateralSide = hemi === 'L' ? -1 : 1;
  return view === 'lateral' ? lateralSide : (-lateralSide as 1 | -1);
}

/**
 * Draws a triangle mesh seen along the x axis with an orthographic camera (z up), a depth
 * buffer and per-face Lambert shading. The picture fits the mesh's y–z extent into
 * `width × height`; both views of a hemisphere share the scale.
 */
export function rasterSurface(
  coords: ArrayLike<number>,
  faces: ArrayLike<number>,
  hemi: 'L' | 'R',
  view: SurfaceView,
  width: number,
  height: number,
): SurfaceRaster {
  const side = viewerSide(hemi, view);
  // Screen right is forward × up: −y when looking from −x, +y when looking from +x.
  const right = side === -1 ? -1 : 1;
  const nV = coords.length / 3;
  let [y0, y1, z0, z1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let v = 0; v < nV; v++) {
    const y = coords[3 * v + 1]!;
    const z = coords[3 * v + 2]!;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
  }
  const pad = 4;
  const scale = Math.min((width - 2 * pad) / Math.max(y1 - y0, 1e-9), (height - 2 * pad) / Math.max(z1 - z0, 1e-9));
  const offX = (width - (y1 - y0) * scale) / 2;
  const offY = (height - (z1 - z0) * scale) / 2;
  const sx = new Float64Array(nV);
  const sy = new Float64Array(nV);
  const depth = new Float64Array(nV);
  for (let v = 0; v < nV; v++) {
    const y = coords[3 * v + 1]!;
    sx[v] = right === 1 ? offX + (y - y0) * scale : width - offX - (y - y0) * scale;
    sy[v] = height - offY - (coords[3 * v + 2]! - z0) * scale;
    depth[v] = side * coords[3 * v]!; // larger is nearer the viewer
  }
  const zbuf = new Float64Array(width * height).fill(-Infinity);
  const vertex = new Int32Array(width * height).fill(-1);
  const shade = new Float32Array(width * height);
  for (let f = 0; f + 2 < faces.length; f += 3) {
    const a = faces[f]!;
    const b = faces[f + 1]!;
    const c = faces[f + 2]!;
    const [ax, ay, bx, by, cx, cy] = [sx[a]!, sy[a]!, sx[b]!, sy[b]!, sx[c]!, sy[c]!];
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (area === 0) continue;
    // Face normal in world space; the light comes from the viewer.
    const u = [coords[3 * b]! - coords[3 * a]!, coords[3 * b + 1]! - coords[3 * a + 1]!, coords[3 * b + 2]! - coords[3 * a + 2]!];
    const w = [coords[3 * c]! - coords[3 * a]!, coords[3 * c + 1]! - coords[3 * a + 1]!, coords[3 * c + 2]! - coords[3 * a + 2]!];
    const nx = u[1]! * w[2]! - u[2]! * w[1]!;
    const len = Math.hypot(nx, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!) || 1;
    const light = 0.3 + 0.7 * Math.abs(nx / len);
    const minX = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
    const maxX = Math.min(width - 1, Math.ceil(Math.max(ax, bx, cx)));
    const minY = Math.max(0, Math.floor(Math.min(ay, by, cy)));
    const maxY = Math.min(height - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let py = minY; py <= maxY; py++) {
      for (let px = minX; px <= maxX; px++) {
        const x = px + 0.5;
        const y = py + 0.5;
        const l0 = ((bx - x) * (cy - y) - (by - y) * (cx - x)) / area;
        const l1 = ((cx - x) * (ay - y) - (cy - y) * (ax - x)) / area;
        const l2 = 1 - l0 - l1;
        if (l0 < 0 || l1 < 0 || l2 < 0) continue;
        const d = l0 * depth[a]! + l1 * depth[b]! + l2 * depth[c]!;
        const at = py * width + px;
        if (d <= zbuf[at]!) continue;
        zbuf[at] = d;
        vertex[at] = l0 >= l1 && l0 >= l2 ? a : l1 >= l2 ? b : c;
        shade[at] = light;
      }
    }
  }
  return { width, height, vertex, shade };
}

/** The report's colour for a value in [−1, 1] of the colour range: red→yellow above 0, blue→cyan below. */
function mapColour(t: number): [number, number, number] {
  const m = Math.min(1, Math.abs(t));
  return t >= 0 ? [255, Math.round(230 * m), 0] : [0, Math.round(230 * m), 255];
}

/** Grey of the brain where nothing is coloured (shaded surface, or the glass-brain silhouette). */
const GREY = 200;

/**
 * Colours a picture: `cell[p]` is the vertex or column drawn at pixel p (−1 background, −2 brain
 * with no value), `shade[p]` its light. With `show`, only cells where it is 1 get a colour (full
 * strength); without, every cell is blended from grey towards its colour by |value| / vmax.
 */
export function paint(
  cell: Int32Array,
  shade: Float32Array | undefined,
  values: ArrayLike<number>,
  vmax: number,
  show?: ArrayLike<number>,
): Uint8Array {
  const rgb = new Uint8Array(cell.length * 3).fill(255);
  for (let p = 0; p < cell.length; p++) {
    const v = cell[p]!;
    if (v === -1) continue;
    const light = shade ? shade[p]! : 1;
    const grey = GREY * light;
    let out: [number, number, number] = [grey, grey, grey];
    const x = v >= 0 ? values[v]! : Number.NaN;
    if (v >= 0 && Number.isFinite(x) && (!show || show[v] === 1)) {
      const colour = mapColour(x / vmax);
      const k = show ? 1 : Math.min(1, Math.abs(x) / vmax);
      const lit = 0.55 + 0.45 * light;
      out = [0, 1, 2].map((i) => grey * (1 - k) + colour[i]! * lit * k) as [number, number, number];
    }
    rgb[3 * p] = Math.round(out[0]);
    rgb[3 * p + 1] = Math.round(out[1]);
    rgb[3 * p + 2] = Math.round(out[2]);
  }
  return rgb;
}

/** A volume's columns: voxel grid, voxel-to-world affine (16 numbers, row-major) and each column's flat voxel index. */
export interface VolumeLayout {
  shape: readonly [number, number, number];
  affine: readonly number[];
  /** Flat index `x + nx·(y + ny·z)` of each column. */
  indices: ArrayLike<number>;
}

/** A glass-brain plane: the projection axis and what lies right and up in the picture. */
export type GlassPlane = 'sagittal' | 'coronal' | 'axial';

const PLANE_AXES: Record<GlassPlane, { h: number; v: number; d: number }> = {
  // World axes 0 = x (right), 1 = y (anterior), 2 = z (superior); neurological convention.
  sagittal: { h: 1, v: 2, d: 0 },
  coronal: { h: 0, v: 2, d: 1 },
  axial: { h: 0, v: 1, d: 2 },
};

/** The voxel axis closest to a world axis and whether it runs the same way. */
function voxelAxis(affine: readonly number[], world: number): { axis: number; sign: 1 | -1 } {
  let axis = 0;
  for (let a = 1; a < 3; a++) if (Math.abs(affine[4 * world + a]!) > Math.abs(affine[4 * world + axis]!)) axis = a;
  return { axis, sign: affine[4 * world + axis]! < 0 ? -1 : 1 };
}

/**
 * A maximum-intensity projection (glass brain) of per-column values: each pixel shows the column
 * with the largest |value| along the projection axis (among `show`n columns when given); `cell`
 * is −1 outside the brain and −2 inside it where no column is shown. Axes follow the affine's
 * closest world axes (an oblique affine is drawn as its nearest axis-aligned grid), scaled by
 * the voxel sizes so that `size` pixels span the largest extent.
 */
export function glassBrain(
  layout: VolumeLayout,
  plane: GlassPlane,
  values: ArrayLike<number>,
  size: number,
  show?: ArrayLike<number>,
): { width: number; height: number; cell: Int32Array } {
  const { shape, affine, indices } = layout;
  const axes = PLANE_AXES[plane];
  const h = voxelAxis(affine, axes.h);
  const v = voxelAxis(affine, axes.v);
  const d = [0, 1, 2].find((a) => a !== h.axis && a !== v.axis)!;
  const zoom = [0, 1, 2].map((a) => Math.hypot(affine[a]!, affine[4 + a]!, affine[8 + a]!) || 1);
  const extent = Math.max(...[0, 1, 2].map((a) => shape[a]! * zoom[a]!));
  const pxPerMm = size / extent;
  const [nh, nv] = [shape[h.axis]!, shape[v.axis]!];
  const strides = [1, shape[0], shape[0] * shape[1]];
  // Projection on the voxel grid first (nh × nv), then scaled up to pixels.
  const best = new Int32Array(nh * nv).fill(-1);
  const column = new Int32Array(shape[0] * shape[1] * shape[2]).fill(-1);
  for (let j = 0; j < indices.length; j++) column[indices[j]!] = j;
  for (let i = 0; i < nh; i++) {
    for (let k = 0; k < nv; k++) {
      let pick = -1;
      let inside = false;
      for (let t = 0; t < shape[d]!; t++) {
        const j = column[i * strides[h.axis]! + k * strides[v.axis]! + t * strides[d]!]!;
        if (j < 0) continue;
        inside = true;
        const x = values[j]!;
        if (!Number.isFinite(x) || (show && show[j] !== 1)) continue;
        if (pick < 0 || Math.abs(x) > Math.abs(values[pick]!)) pick = j;
      }
      best[i * nv + k] = pick >= 0 ? pick : inside ? -2 : -1;
    }
  }
  const width = Math.max(1, Math.round(nh * zoom[h.axis]! * pxPerMm));
  const height = Math.max(1, Math.round(nv * zoom[v.axis]! * pxPerMm));
  const cell = new Int32Array(width * height);
  for (let py = 0; py < height; py++) {
    // Rows run top to bottom; the vertical world axis points up.
    let k = Math.min(nv - 1, Math.floor(((height - 1 - py + 0.5) / height) * nv));
    if (v.sign < 0) k = nv - 1 - k;
    for (let px = 0; px < width; px++) {
      let i = Math.min(nh - 1, Math.floor(((px + 0.5) / width) * nh));
      if (h.sign < 0) i = nh - 1 - i;
      cell[py * width + px] = best[i * nv + k]!;
    }
  }
  return { width, height, cell };
}
