/** Size and TensorBoard colorspace (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) of a PNG, from its IHDR chunk. */
export interface PngInfo {
  width: number;
  height: number;
  colorspace: number;
}

const MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Reads a PNG's header, or undefined when `bytes` is not a PNG. */
export function pngInfo(bytes: Uint8Array): PngInfo | undefined {
  if (bytes.length < 33 || MAGIC.some((b, i) => bytes[i] !== b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The first chunk is IHDR: width, height (big-endian uint32), bit depth, colour type.
  const colorType = bytes[25]!;
  const colorspace = { 0: 1, 4: 2, 2: 3, 6: 4 }[colorType as 0 | 2 | 4 | 6] ?? 3;
  return { width: view.getUint32(16), height: view.getUint32(20), colorspace };
}
