import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c, tfRecord } from '../src/index.js';

const bytes = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i));

describe('crc32c', () => {
  it('matches the check value and the iSCSI test vectors (RFC 3720, appendix B.4)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(bytes(32, () => 0))).toBe(0x8a9136aa);
    expect(crc32c(bytes(32, () => 0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytes(32, (i) => i))).toBe(0x46dd794e);
    expect(crc32c(bytes(32, (i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
    const crc = 0xe3069283;
    const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe((rotated + 0xa282ead8) % 2 ** 32);
  });
});

describe('tfRecord', () => {
  it('frames data as length, masked length CRC, data, masked data CRC (little-endian)', () => {
    const data = new TextEncoder().encode('hello tensorboard');
    const rec = tfRecord(data);
    const view = new DataView(rec.buffer);
    expect(rec.length).toBe(8 + 4 + data.length + 4);
    expect(view.getBigUint64(0, true)).toBe(BigInt(data.length));
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(rec.subarray(0, 8)));
    expect(rec.subarray(12, 12 + data.length)).toEqual(data);
    expect(view.getUint32(12 + data.length, true)).toBe(maskedCrc32c(data));
  });
});
