import { gzipSync } from 'node:zlib';
import { encodeGiftiFunc, encodeNifti1 } from '../../src/index.js';

/** A small float32 NIfTI-1 volume (3×4×2×2) with a rotated affine, as our writer stores it. */
export function nifti1Bytes(): Uint8Array {
  const data = Float32Array.from({ length: 48 }, (_, i) => i * 0.25 - 3);
  const affine = [
    [0, -2, 0, 10],
    [2, 0, 0, -20],
    [0, 0, 3, 5],
    [0, 0, 0, 1],
  ];
  return encodeNifti1({ data, shape: [3, 4, 2, 2], affine });
}

/**
 * A NIfTI-2 file (nifti2.h layout: 540-byte header, 4 bytes of extension flags) of int16 values
 * with scaling and an sform, built field by field.
 */
export function nifti2Bytes(littleEndian = true): Uint8Array {
  const shape = [2, 3, 2];
  const count = 12;
  const out = new Uint8Array(544 + 2 * count);
  const v = new DataView(out.buffer);
  v.setInt32(0, 540, littleEndian);
  out.set([0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a], 4); // "n+2\0\r\n\032\n"
  v.setInt16(12, 4, littleEndian); // int16
  v.setInt16(14, 16, littleEndian);
  const dim = [3, ...shape, 1, 1, 1, 1];
  dim.forEach((d, k) => v.setBigInt64(16 + 8 * k, BigInt(d), littleEndian));
  [1, 2, 2, 2, 1, 1, 1, 1].forEach((p, k) => v.setFloat64(104 + 8 * k, p, littleEndian));
  v.setBigInt64(168, 544n, littleEndian);
  v.setFloat64(176, 0.5, littleEndian); // scl_slope
  v.setFloat64(184, -1, littleEndian); // scl_inter
  v.setInt32(348, 4, littleEndian); // sform_code MNI
  [2, 0, 0, -90, 0, 2, 0, -126, 0, 0, 2, -72].forEach((s, k) => v.setFloat64(400 + 8 * k, s, littleEndian));
  for (let i = 0; i < count; i++) v.setInt16(544 + 2 * i, i * 10 - 50, littleEndian);
  return out;
}

/** nifti1Bytes, gzipped. */
export function nifti1GzBytes(): Uint8Array {
  return new Uint8Array(gzipSync(nifti1Bytes()));
}

/** A two-map .func.gii as our writer stores it. */
export function giftiFuncBytes(): Uint8Array {
  return encodeGiftiFunc(
    [
      { data: Float32Array.from([0.1, 0.2, -0.3, 4, 5]), name: 'r' },
      { data: Float32Array.from([1, 0.5, 0.25, 0.125, 0]), name: 'p' },
    ],
    { hemisphere: 'right' },
  );
}

/** A hand-written ASCII surface GIfTI with a label table and metadata. */
export function giftiSurfaceBytes(): Uint8Array {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<GIFTI Version="1.0" NumberOfDataArrays="3">
  <MetaData><MD><Name><![CDATA[AnatomicalStructurePrimary]]></Name><Value><![CDATA[CortexLeft]]></Value></MD></MetaData>
  <LabelTable><Label Key="0" Red="0" Green="0" Blue="0" Alpha="0"><![CDATA[???]]></Label><Label Key="5" Red="1" Green="0.5" Blue="0" Alpha="1">A1</Label></LabelTable>
  <DataArray Intent="NIFTI_INTENT_POINTSET" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="ColumnMajorOrder" Dimensionality="2" Dim0="4" Dim1="3" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">
    <CoordinateSystemTransformMatrix><DataSpace>NIFTI_XFORM_TALAIRACH</DataSpace><TransformedSpace>NIFTI_XFORM_TALAIRACH</TransformedSpace><MatrixData>1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1</MatrixData></CoordinateSystemTransformMatrix>
    <Data>0 1 0 0  0 0 1 0  0 0 0 1</Data>
  </DataArray>
  <DataArray Intent="NIFTI_INTENT_TRIANGLE" DataType="NIFTI_TYPE_INT32" ArrayIndexingOrder="RowMajorOrder" Dimensionality="2" Dim0="2" Dim1="3" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">
    <Data>0 1 2 0 2 3</Data>
  </DataArray>
  <DataArray Intent="NIFTI_INTENT_LABEL" DataType="NIFTI_TYPE_UINT8" ArrayIndexingOrder="RowMajorOrder" Dimensionality="1" Dim0="4" Encoding="ASCII" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">
    <Data>0 5 5 0</Data>
  </DataArray>
</GIFTI>
`;
  return new TextEncoder().encode(xml);
}

/** A FreeSurfer triangle surface (big-endian), as nibabel.freesurfer.write_geometry lays it out. */
export function freesurferSurfaceBytes(): Uint8Array {
  const coords = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
  const faces = [0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2];
  const stamp = new TextEncoder().encode('created by test on today\n\n');
  const out = new Uint8Array(3 + stamp.length + 8 + 4 * coords.length + 4 * faces.length);
  const v = new DataView(out.buffer);
  out.set([0xff, 0xff, 0xfe]);
  out.set(stamp, 3);
  let at = 3 + stamp.length;
  v.setInt32(at, 4);
  v.setInt32(at + 4, 4);
  at += 8;
  for (const c of coords) {
    v.setFloat32(at, c);
    at += 4;
  }
  for (const f of faces) {
    v.setInt32(at, f);
    at += 4;
  }
  return out;
}

/** A new-format FreeSurfer curvature file with 4 values. */
export function freesurferMorphBytes(): Uint8Array {
  const out = new Uint8Array(15 + 16);
  const v = new DataView(out.buffer);
  out.set([0xff, 0xff, 0xff]);
  v.setInt32(3, 4);
  v.setInt32(7, 4);
  v.setInt32(11, 1);
  [0.5, -0.25, 1, 2].forEach((x, k) => v.setFloat32(15 + 4 * k, x));
  return out;
}
