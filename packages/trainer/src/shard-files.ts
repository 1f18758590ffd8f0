import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { isVoxelwiseError, voxelwiseError, z } from '@voxelwise/core';
import type { ShardArrays, ShardState } from '@voxelwise/core';
import { fsError, sha256Bytes, writeFileAtomic } from '@voxelwise/io';

/** Element types a shard directory stores, by name. */
const DTYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;

/** Name of an element type of {@link DTYPES}. */
type ShardDType = keyof typeof DTYPES;

/** One raw little-endian array file of a shard directory. */
export const arrayFileSchema = z.object({
  file: z.string(),
  dtype: z.enum(['float32', 'float64', 'int32', 'uint8']),
  length: z.number().int().nonnegative(),
});

/** An {@link arrayFileSchema} entry. */
type ArrayFile = z.infer<typeof arrayFileSchema>;

/** A {@link ShardState} on disk: its JSON and an index of its array files. */
const stateFileSchema = z.object({
  meta: z.record(z.string(), z.unknown()),
  arrays: z.record(z.string(), arrayFileSchema),
});

/** Bytes of a typed array, without a copy. */
export function bytesOf(a: ShardArrays[string]): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The element type name of a typed array. */
function dtypeOf(a: ShardArrays[string]): ShardDType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** SHA-256 of a typed array's bytes. */
export function sha256Of(a: ShardArrays[string]): string {
  return sha256Bytes(bytesOf(a));
}

function checkLittleEndian(where: string): void {
  // Raw files are the machine's own bytes; every platform Node supports for this is little-endian.
  if (endianness() !== 'LE') {
    throw voxelwiseError({ code: 'E_INTERNAL', where, message: 'sharded fits need a little-endian machine' });
  }
}

/** Writes `a` as `<dir>/<file>` (atomically) and returns its index entry. */
export async function writeArrayFile(dir: string, file: string, a: ShardArrays[string], where: string): Promise<ArrayFile> {
  checkLittleEndian(where);
  await writeFileAtomic(join(dir, file), bytesOf(a));
  return { file, dtype: dtypeOf(a), length: a.length };
}

/** Reads an array file written by {@link writeArrayFile}, checking its size. */
export async function readArrayFile(dir: string, entry: ArrayFile, where: string): Promise<ShardArrays[string]> {
  checkLittleEndian(where);
  const path = join(dir, entry.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fsError(error, path, where, 'read');
  }
  const Ctor = DTYPES[entry.dtype];
  if (bytes.byteLength !== entry.length * Ctor.BYTES_PER_ELEMENT) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path} has ${bytes.byteLength} bytes, expected ${entry.length} ${entry.dtype} values`,
      hint: 'The file was truncated or replaced; plan or fit this part again.',
      details: { file: path },
    });
  }
  // A fresh, aligned copy (Buffer slices of the pool may be unaligned for 8-byte types).
  const out = new Ctor(entry.length);
  bytesOf(out).set(bytes);
  return out;
}

/** Writes a {@link ShardState} as `<dir>/<name>.json` plus one array file per array (`<name>.<array>.bin`). */
export async function writeState(dir: string, name: string, state: ShardState, where: string): Promise<number> {
  const arrays: Record<string, ArrayFile> = {};
  let bytes = 0;
  for (const [key, a] of Object.entries(state.arrays)) {
    arrays[key] = await writeArrayFile(dir, `${name}.${key}.bin`, a, where);
    bytes += a.byteLength;
  }
  await writeFileAtomic(join(dir, `${name}.json`), `${JSON.stringify({ meta: state.meta, arrays }, null, 2)}\n`);
  return bytes;
}

/** Reads what {@link writeState} wrote. */
export async function readState(dir: string, name: string, where: string): Promise<ShardState> {
  const path = join(dir, `${name}.json`);
  const raw = await readJsonFile(path, where);
  const parsed = stateFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path} is not a shard state file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      details: { file: path },
    });
  }
  const arrays: Record<string, ShardArrays[string]> = {};
  for (const [key, entry] of Object.entries(parsed.data.arrays)) arrays[key] = await readArrayFile(dir, entry, where);
  return { meta: parsed.data.meta, arrays };
}

/** JSON of a file; `E_FILE_NOT_FOUND` / `E_IO` / `E_FILE_FORMAT` naming it. */
export async function readJsonFile(path: string, where: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fsError(error, path, where, 'read');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where, message: `${path} is not valid JSON`, cause, details: { file: path } });
  }
}

/**
 * Writes the responses (rows × voxels, row-major float32) voxel-major, one voxel's rows after
 * another, so that any contiguous range of voxels is one contiguous read.
 */
export async function writeVoxelMajor(path: string, Y: { rows: number; cols: number; data: Float32Array }, where: string): Promise<void> {
  checkLittleEndian(where);
  const { rows, cols, data } = Y;
  const chunk = Math.max(1, Math.floor((16 << 20) / Math.max(1, rows)));
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fh = await open(tmp, 'w');
    try {
      for (let v0 = 0; v0 < cols; v0 += chunk) {
        const v1 = Math.min(cols, v0 + chunk);
        const block = new Float32Array((v1 - v0) * rows);
        for (let j = v0; j < v1; j++) {
          const o = (j - v0) * rows;
          for (let i = 0; i < rows; i++) block[o + i] = data[i * cols + j]!;
        }
        await fh.write(bytesOf(block));
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw fsError(error, path, where, 'write');
  }
}

/** Voxels `[start, end)` of a file written by {@link writeVoxelMajor}, as rows × (end − start) row-major float32. */
export async function readVoxelRange(path: string, rows: number, start: number, end: number, where: string): Promise<Float32Array> {
  checkLittleEndian(where);
  const b = end - start;
  const colMajor = new Float32Array(rows * b);
  try {
    const size = (await stat(path)).size;
    if (size < end * rows * 4) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where,
        message: `${path} holds ${size / (4 * rows)} voxels of ${rows} rows, expected at least ${end}`,
        hint: 'The plan directory is incomplete; run "voxelwise shard plan" again.',
        details: { file: path },
      });
    }
    const fh = await open(path, 'r');
    try {
      const view = bytesOf(colMajor);
      let got = 0;
      while (got < view.length) {
        const { bytesRead } = await fh.read(view, got, view.length - got, start * rows * 4 + got);
        if (bytesRead <= 0) break;
        got += bytesRead;
      }
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (isVoxelwiseError(error)) throw error;
    throw fsError(error, path, where, 'read');
  }
  const out = new Float32Array(rows * b);
  for (let j = 0; j < b; j++) for (let i = 0; i < rows; i++) out[i * b + j] = colMajor[j * rows + i]!;
  return out;
}
