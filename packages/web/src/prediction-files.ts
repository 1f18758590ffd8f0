import type { Matrix } from '@voxelwise/core';

/**
 * `.npy` bytes (format 1.0, `<f4`, C order) of a TRs × voxels prediction. It runs in a page, so it
 * builds the header from char codes rather than with Node's Buffer.
 */
export function predictionNpy(P: Matrix<Float32Array>): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${P.rows}, ${P.cols}), }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + P.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(P.data.buffer, P.data.byteOffset, P.data.byteLength), 10 + header.length);
  return out;
}

/** CSV of a prediction: a `time` column (TR centre, seconds) then one column per voxel (`v0`, `v1`, …). */
export function predictionCsv(P: Matrix<Float32Array>, trTimes: ArrayLike<number>): string {
  const lines = [['time', ...Array.from({ length: P.cols }, (_, j) => `v${j}`)].join(',')];
  for (let t = 0; t < P.rows; t++) {
    const row = [String(trTimes[t])];
    for (let j = 0; j < P.cols; j++) row.push(String(P.data[t * P.cols + j]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
