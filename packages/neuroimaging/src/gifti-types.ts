import type { Affine } from './affine.js';
import type { ElementType, NumericArray } from './datatypes.js';

/** How a GIfTI DataArray's values are written in the XML (GIfTI 1.0 spec, `Encoding`). */
export type GiftiEncoding = 'ASCII' | 'Base64Binary' | 'GZipBase64Binary';

/** A `CoordinateSystemTransformMatrix`: the affine from `dataSpace` to `transformedSpace`. */
export interface GiftiCoordSystem {
  /** e.g. `NIFTI_XFORM_UNKNOWN`, `NIFTI_XFORM_TALAIRACH`. */
  dataSpace: string;
  transformedSpace: string;
  matrix: Affine;
}

/** One `DataArray` of a GIfTI file. */
export interface GiftiDataArray {
  /** The `Intent` attribute as written, e.g. `NIFTI_INTENT_POINTSET`, `NIFTI_INTENT_TRIANGLE`, `NIFTI_INTENT_NONE`. */
  intent: string;
  elementType: ElementType;
  /** `Dim0`, `Dim1`, … (vertices × 3 for a POINTSET, faces × 3 for a TRIANGLE, vertices for a map). */
  dims: number[];
  /**
   * The values in row-major (C) order whatever the file's `ArrayIndexingOrder`, so element
   * (i, j) of a 2-D array is `data[i · dims[1] + j]` (what nibabel's `darray.data[i, j]` gives).
   */
  data: NumericArray;
  encoding: GiftiEncoding;
  /** The file's byte order for binary encodings. */
  littleEndian: boolean;
  /** The `ArrayIndexingOrder` of the file (the data are returned row-major either way). */
  indexingOrder: 'RowMajorOrder' | 'ColumnMajorOrder';
  meta: Record<string, string>;
  coordSystems: GiftiCoordSystem[];
}

/** One entry of a GIfTI `LabelTable`. */
export interface GiftiLabel {
  key: number;
  label: string;
  /** Colour components in [0, 1]; undefined when the file does not give them. */
  red?: number;
  green?: number;
  blue?: number;
  alpha?: number;
}

/** A GIfTI file read whole. */
export interface GiftiImage {
  file: string;
  version: string;
  meta: Record<string, string>;
  labels: GiftiLabel[];
  dataArrays: GiftiDataArray[];
}
