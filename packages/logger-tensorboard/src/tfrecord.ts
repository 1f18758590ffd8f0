import { maskedCrc32c } from './crc32c.js';

/**
 * One TFRecord: `uint64 length` (little-endian), `uint32 masked_crc32c(length bytes)`, the data,
 * `uint32 masked_crc32c(data)` (tensorflow/core/lib/io/record_writer.cc, `RecordWriter::WriteRecord`).
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
