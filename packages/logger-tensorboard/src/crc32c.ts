/** CRC-32C (Castagnoli), reflected polynomial 0x82F63B78, as TFRecord files use. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32C of `bytes` (init and final xor 0xFFFFFFFF; "123456789" gives 0xE3069283).
 *
 * @example
 * crc32c(new TextEncoder().encode('123456789')) === 0xe3069283;
 */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The masked CRC that TFRecord framing stores: `((crc >>> 15) | (crc << 17)) + 0xa282ead8`
 * mod 2^32 (tensorflow/tsl/lib/hash/crc32c.h, `Mask`), so that CRCs of data that embeds CRCs
 * stay well distributed.
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
