/** A 4×4 affine, row-major: `affine[row][col]`, mapping voxel `(i, j, k, 1)` to world `(x, y, z, 1)`. */
export type Affine = number[][];

/** The quaternion form of an affine as NIfTI stores it (nifti1.h, "METHOD 2"). */
export interface QformParams {
  /** quatern_b, quatern_c, quatern_d. */
  quatern: [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z. */
  offset: [number, number, number];
  /** Voxel sizes pixdim[1..3] (column norms of the affine). */
  zooms: [number, number, number];
  /** pixdim[0]: 1, or -1 for a left-handed voxel grid. */
  qfac: 1 | -1;
}

// The 4×4 identity.
function identityAffine(): Affine {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => (r === c ? 1 : 0)));
}

/**
 * The qform affine from quaternion fields, as nibabel's `Nifti1Header.get_qform` computes it:
 * w filled in as `sqrt(1 - b² - c² - d²)` (nibabel.quaternions.fillpositive, 0 when slightly
 * negative), the rotation of nibabel.quaternions.quat2mat, voxel sizes pixdim[1..3] with the last
 * multiplied by qfac = pixdim[0]. Returns undefined when the fields are invalid for nibabel too
 * (negative voxel size, qfac not ±1, |bcd| > 1).
 */
export function qformAffine(
  quatern: readonly [number, number, number],
  offset: readonly [number, number, number],
  pixdim: readonly number[],
  threshold: number,
): Affine | undefined {
  const [b, c, d] = quatern;
  const w2 = 1 - (b * b + c * c + d * d);
  if (w2 < threshold) return undefined;
  const w = w2 < 0 ? 0 : Math.sqrt(w2);
  const vox = [pixdim[1] ?? 0, pixdim[2] ?? 0, pixdim[3] ?? 0];
  if (vox.some((v) => v < 0)) return undefined;
  const qfac = pixdim[0] ?? 0;
  if (qfac !== 1 && qfac !== -1) return undefined;
  vox[2]! *= qfac;
  const R = quatToMatrix(w, b, c, d);
  const out = identityAffine();
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 3; col++) out[r]![col] = R[r]![col]! * vox[col]!;
    out[r]![3] = offset[r]!;
  }
  return out;
}

// nibabel.quaternions.quat2mat.
function quatToMatrix(w: number, x: number, y: number, z: number): number[][] {
  const n = w * w + x * x + y * y + z * z;
  if (n < 2.220446049250313e-16)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  const s = 2 / n;
  const [X, Y, Z] = [x * s, y * s, z * s];
  const [wX, wY, wZ] = [w * X, w * Y, w * Z];
  const [xX, xY, xZ] = [x * X, x * Y, x * Z];
  const [yY, yZ, zZ] = [y * Y, y * Z, z * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

/**
 * The fallback affine when neither sform nor qform is set, as nibabel's
 * `AnalyzeHeader.get_base_affine` (nibabel.affines.shape_zoom_affine with x flipped): voxel sizes on
 * the diagonal, origin at the centre of the first three dimensions.
 */
export function baseAffine(dims: readonly number[], pixdim: readonly number[]): Affine {
  const out = identityAffine();
  for (let a = 0; a < 3; a++) {
    const n = dims[a] ?? 1;
    let zoom = a < dims.length ? (pixdim[a + 1] ?? 1) : 1;
    if (a === 0) zoom = -zoom;
    out[a]![a] = zoom;
    out[a]![3] = (-(n - 1) / 2) * zoom;
  }
  return out;
}

/**
 * The quaternion fields nibabel's `Nifti1Header.set_qform` stores for an affine: voxel sizes are
 * the column norms, qfac is -1 when the normalised rotation has a non-positive determinant (its
 * last column is then negated), shears are stripped by taking the orthogonal polar factor (what
 * nibabel gets from the SVD, `P @ Qs`), and the quaternion has w ≥ 0 (nibabel.quaternions.mat2quat).
 */
export function affineToQform(affine: Affine): QformParams {
  const rzs = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r]![c]!));
  const zooms = [0, 1, 2].map((c) => Math.hypot(rzs[0]![c]!, rzs[1]![c]!, rzs[2]![c]!)) as [number, number, number];
  const R = rzs.map((row) => row.map((v, c) => v / zooms[c]!));
  let qfac: 1 | -1 = 1;
  if (det3(R) <= 0) {
    qfac = -1;
    for (let r = 0; r < 3; r++) R[r]![2] = -R[r]![2]!;
  }
  const P = polarFactor(R);
  const [, x, y, z] = matrixToQuat(P);
  return {
    quatern: [x, y, z],
    offset: [affine[0]![3]!, affine[1]![3]!, affine[2]![3]!],
    zooms,
    qfac,
  };
}

function det3(m: number[][]): number {
  const [a, b, c] = m as [number[], number[], number[]];
  return a[0]! * (b[1]! * c[2]! - b[2]! * c[1]!) - a[1]! * (b[0]! * c[2]! - b[2]! * c[0]!) + a[2]! * (b[0]! * c[1]! - b[1]! * c[0]!);
}

/** The orthogonal factor of the polar decomposition by Newton's iteration X ← (X + X⁻ᵀ)/2 (Higham 1986). */
function polarFactor(m: number[][]): number[][] {
  let X = m.map((row) => row.slice());
  for (let iter = 0; iter < 100; iter++) {
    const d = det3(X);
    if (d === 0) break;
    // X⁻ᵀ = cofactor(X) / det(X).
    const cof = [0, 1, 2].map((r) =>
      [0, 1, 2].map((c) => {
        const r1 = (r + 1) % 3;
        const r2 = (r + 2) % 3;
        const c1 = (c + 1) % 3;
        const c2 = (c + 2) % 3;
        return (X[r1]![c1]! * X[r2]![c2]! - X[r1]![c2]! * X[r2]![c1]!) / d;
      }),
    );
    const next = X.map((row, r) => row.map((v, c) => 0.5 * (v + cof[r]![c]!)));
    let delta = 0;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) delta = Math.max(delta, Math.abs(next[r]![c]! - X[r]![c]!));
    X = next;
    if (delta < 1e-15) break;
  }
  return X;
}

/** Quaternion (w, x, y, z), w ≥ 0, of a rotation matrix (Shepperd's method; same quaternion as nibabel's eigenvector method). */
function matrixToQuat(m: number[][]): [number, number, number, number] {
  const [m00, m01, m02] = m[0] as [number, number, number];
  const [m10, m11, m12] = m[1] as [number, number, number];
  const [m20, m21, m22] = m[2] as [number, number, number];
  const trace = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (trace > 0) {
    const s = 2 * Math.sqrt(1 + trace);
    q = [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
  }
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}

/** True when two affines agree within nibabel's `np.allclose` defaults (rtol 1e-5, atol 1e-8). */
export function affinesClose(a: Affine, b: Affine): boolean {
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const x = a[r]![c]!;
      const y = b[r]![c]!;
      if (!(Math.abs(x - y) <= 1e-8 + 1e-5 * Math.abs(y))) return false;
    }
  }
  return true;
}
