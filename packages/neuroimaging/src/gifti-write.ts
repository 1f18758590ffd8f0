import { deflateSync } from 'node:zlib';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import { encodeElements } from './datatypes.js';

/** One map of a `.func.gii` file: a value per vertex. */
export interface GiftiMap {
  /** One float32 value per vertex of the hemisphere. */
  data: Float32Array;
  /** Stored as the DataArray's `Name` metadata (what FreeSurfer, Workbench and nibabel show). */
  name?: string;
  /** Further DataArray metadata. */
  meta?: Record<string, string>;
}

/** Options of {@link encodeGiftiFunc} and {@link writeGiftiFunc}. */
export interface GiftiFuncOptions {
  /** Sets the file's `AnatomicalStructurePrimary` metadata to `CortexLeft` / `CortexRight` (HCP Workbench convention). */
  hemisphere?: 'left' | 'right';
  /** Further file metadata. */
  meta?: Record<string, string>;
  /** The DataArrays' intent. @default 'NIFTI_INTENT_NONE' */
  intent?: string;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function metaXml(meta: Record<string, string>, indent: string): string {
  const entries = Object.entries(meta);
  if (entries.length === 0) return `${indent}<MetaData/>\n`;
  const mds = entries
    .map(
      ([k, v]) =>
        `${indent}  <MD>\n${indent}    <Name>${escapeXml(k)}</Name>\n${indent}    <Value>${escapeXml(v)}</Value>\n${indent}  </MD>\n`,
    )
    .join('');
  return `${indent}<MetaData>\n${mds}${indent}</MetaData>\n`;
}

/**
 * Encodes a GIfTI functional file (`.func.gii`): one float32 DataArray per map, GZipBase64Binary
 * (a zlib stream, as nibabel writes it), little-endian, row-major, one dimension of length
 * vertices. All maps must have the same length.
 */
export function encodeGiftiFunc(maps: readonly GiftiMap[], options: GiftiFuncOptions = {}): Uint8Array {
  if (maps.length === 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: 'neuroimaging:gifti-write',
      message: 'no maps to write',
      hint: 'Pass at least one map.',
    });
  }
  const n = maps[0]!.data.length;
  maps.forEach((m, k) => {
    if (m.data.length !== n) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'neuroimaging:gifti-write',
        message: `map ${k}${m.name ? ` (${m.name})` : ''} has a different number of vertices than map 0`,
        got: m.data.length,
        expected: n,
        hint: 'Write one file per hemisphere, with one value per vertex in every map.',
      });
    }
  });
  const fileMeta: Record<string, string> = { ...options.meta };
  if (options.hemisphere) fileMeta['AnatomicalStructurePrimary'] = options.hemisphere === 'left' ? 'CortexLeft' : 'CortexRight';
  const intent = options.intent ?? 'NIFTI_INTENT_NONE';
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE GIFTI SYSTEM "http://www.nitrc.org/frs/download.php/115/gifti.dtd">\n';
  xml += `<GIFTI Version="1.0" NumberOfDataArrays="${maps.length}">\n`;
  xml += metaXml(fileMeta, '  ');
  xml += '  <LabelTable/>\n';
  for (const m of maps) {
    const meta: Record<string, string> = { ...(m.name !== undefined ? { Name: m.name } : {}), ...m.meta };
    const payload = Buffer.from(deflateSync(encodeElements(m.data, true))).toString('base64');
    xml +=
      `  <DataArray Intent="${escapeXml(intent)}" DataType="NIFTI_TYPE_FLOAT32" ArrayIndexingOrder="RowMajorOrder" ` +
      `Dimensionality="1" Dim0="${n}" Encoding="GZipBase64Binary" Endian="LittleEndian" ExternalFileName="" ExternalFileOffset="">\n`;
    xml += metaXml(meta, '    ');
    xml += `    <Data>${payload}</Data>\n  </DataArray>\n`;
  }
  xml += '</GIFTI>\n';
  return new TextEncoder().encode(xml);
}

/**
 * Writes a `.func.gii` file atomically (`@voxelwise/io` writeFileAtomic). Write one file per
 * hemisphere.
 *
 * @example
 * await writeGiftiFunc('sub-01_hemi-L_r.func.gii', [{ data: rLeft, name: 'r' }], { hemisphere: 'left' });
 */
export async function writeGiftiFunc(file: string, maps: readonly GiftiMap[], options: GiftiFuncOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeGiftiFunc(maps, options));
}
