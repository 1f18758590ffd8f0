import { voxelwiseError } from '@voxelwise/core';

/** Text encodings recognised by {@link decodeText}. */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

/** Decoded text and the encoding it was read with. */
export interface DecodedText {
  /** The text with line endings normalised to `\n` (CRLF and lone CR both become LF). */
  text: string;
  encoding: TextEncoding;
}

/** True when every other byte is zero, as in BOM-less UTF-16 of ASCII text. */
function looksUtf16(bytes: Uint8Array, odd: 0 | 1): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return false;
  let zeros = 0;
  for (let i = odd; i < n; i += 2) if (bytes[i] === 0) zeros++;
  return zeros >= (n / 2) * 0.9;
}

/**
 * Decodes a text file the way Praat writes them: UTF-8 (with or without BOM) or UTF-16 with a
 * byte-order mark (little or big endian; BOM-less UTF-16 of ASCII text is detected too). Line
 * endings are normalised to LF.
 *
 * @example
 * const { text, encoding } = decodeText(readFileSync('story.TextGrid'), 'story.TextGrid');
 */
export function decodeText(bytes: Uint8Array, file: string): DecodedText {
  let encoding: TextEncoding;
  let body: Uint8Array;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8-bom';
    body = bytes.subarray(3);
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    body = bytes.subarray(2);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    body = bytes.subarray(2);
  } else if (looksUtf16(bytes, 1)) {
    encoding = 'utf-16le';
    body = bytes;
  } else if (looksUtf16(bytes, 0)) {
    encoding = 'utf-16be';
    body = bytes;
  } else {
    encoding = 'utf-8';
    body = bytes;
  }
  let text: string;
  try {
    text = new TextDecoder(encoding === 'utf-8-bom' ? 'utf-8' : encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:text',
      message: `${file} is not valid ${encoding === 'utf-8' ? 'UTF-8' : encoding.toUpperCase()} text`,
      hint: 'Save the file as UTF-8 or as UTF-16 with a byte-order mark (Praat: Save as text file).',
      cause,
      details: { file, encoding },
    });
  }
  return { text: text.replace(/\r\n?/g, '\n'), encoding };
}
