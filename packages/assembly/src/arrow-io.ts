import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import { parseArrowTable, readArrowTable, sha256Bytes } from '@voxelwise/io';

type ArrowModule = typeof import('apache-arrow');
let arrowModule: Promise<ArrowModule> | undefined;

/** Loads apache-arrow on first use, so importing the package stays light. */
export function loadArrow(): Promise<ArrowModule> {
  arrowModule ??= import('apache-arrow');
  return arrowModule;
}

/** Size and content hash of a written file. */
export interface FileDigest {
  /** Bytes on disk. */
  bytes: number;
  /** Hex SHA-256 of the file. */
  sha256: string;
}

/** A column of a small table file. */
export type ColumnSpec =
  { name: string; kind: 'utf8'; values: readonly string[] } | { name: string; kind: 'float64'; values: Float64Array };

/** Encodes a small table (words, TR times, ground truth) as Arrow IPC file bytes. */
export async function encodeColumns(columns: readonly ColumnSpec[], metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const A = await loadArrow();
  const fields = columns.map((c) => new A.Field(c.name, c.kind === 'utf8' ? new A.Utf8() : new A.Float64(), false));
  const schema = new A.Schema(fields, new Map(Object.entries(metadata)));
  const length = columns[0]?.values.length ?? 0;
  const children = columns.map((c) =>
    c.kind === 'utf8'
      ? A.vectorFromArray([...c.values], new A.Utf8()).data[0]!
      : A.makeData({ type: new A.Float64(), data: c.values, length: c.values.length, nullCount: 0 }),
  );
  const batch = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(fields), length, children, nullCount: 0 }));
  return A.tableToIPC(new A.Table(schema, [batch]), 'file');
}

/** SHA-256 and size of bytes about to be written. */
export function digestOf(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.byteLength, sha256: sha256Bytes(bytes) };
}

/** Writes a small table (words, TR times) as one Arrow IPC file. */
export async function writeColumnsFile(
  path: string,
  columns: readonly ColumnSpec[],
  metadata: Record<string, string> = {},
): Promise<FileDigest> {
  const bytes = await encodeColumns(columns, metadata);
  await writeFile(path, bytes);
  return digestOf(bytes);
}

/** Columns of a small table file, by name. */
export interface ColumnsFile {
  strings(name: string): string[];
  numbers(name: string): Float64Array;
  readonly length: number;
  readonly metadata: ReadonlyMap<string, string>;
}

/**
 * Reads a table written by {@link writeColumnsFile}; `E_FILE_FORMAT` naming the file and column if
 * it is not one. With `expected` (the size and SHA-256 recorded when it was written), the bytes
 * are checked before they are decoded: a changed file is `E_FILE_FORMAT` naming it.
 */
export async function readColumnsFile(path: string, expected?: FileDigest): Promise<ColumnsFile> {
  let table: Awaited<ReturnType<typeof readArrowTable>>;
  if (expected) {
    const bytes = await readFile(path).catch((cause: unknown) => {
      throw voxelwiseError({
        code: (cause as { code?: string }).code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_IO',
        where: 'assembly:arrow',
        message: `cannot read ${path}`,
        cause,
        details: { file: path },
      });
    });
    if (bytes.byteLength !== expected.bytes || sha256Bytes(bytes) !== expected.sha256) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:arrow',
        message: `${path} changed since it was written (${bytes.byteLength} bytes, expected ${expected.bytes}; its SHA-256 does not match the manifest)`,
        hint: 'The file was damaged or edited; copy it again or re-import the assembly.',
        details: { file: path, block: 0 },
      });
    }
    table = await parseArrowTable(bytes, path, 'assembly:arrow');
  } else {
    table = await readArrowTable(path, 'assembly:arrow');
  }
  const column = (name: string) => {
    const c = table.getChild(name);
    if (!c)
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:arrow',
        message: `${path} has no column "${name}"`,
        got: table.schema.fields.map((f) => f.name),
        details: { file: path },
      });
    return c;
  };
  return {
    length: table.numRows,
    metadata: table.schema.metadata,
    strings: (name) => Array.from(column(name), (v) => String(v ?? '')),
    numbers: (name) => Float64Array.from(column(name).toArray() as ArrayLike<number>),
  };
}

/** A chunked file's digest: the file's, and one per record batch. */
export interface ChunkedDigest extends FileDigest {
  /** SHA-256 of each record batch's values (their float32 little-endian bytes), in batch order. */
  blocks: string[];
}

/** Hex SHA-256 of a float32 block's bytes (no copy). */
function blockDigest(values: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('hex');
}

/** Streams float32 record batches into one Arrow IPC file, hashing the bytes as they go out. */
export interface ChunkedWriter {
  /** Appends one record batch holding `values`. */
  write(values: Float32Array): Promise<void>;
  /** Writes the footer and closes the file. */
  finish(): Promise<ChunkedDigest>;
  /** Stops writing (the caller removes the file). */
  abort(): Promise<void>;
}

/**
 * Opens an Arrow IPC file of one non-null float32 column `values`, written as one record batch per
 * call to `write`; the batches can later be read one at a time ({@link openChunkedFile}).
 */
export async function createChunkedWriter(path: string, metadata: Record<string, string>): Promise<ChunkedWriter> {
  const A = await loadArrow();
  const field = new A.Field('values', new A.Float32(), false);
  const schema = new A.Schema([field], new Map(Object.entries(metadata)));
  const writer = new A.RecordBatchFileWriter();
  writer.reset(undefined, schema);
  const hash = createHash('sha256');
  let bytes = 0;
  const blocks: string[] = [];
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const done = pipeline(writer.toNodeStream() as NodeJS.ReadableStream, tap, createWriteStream(path));
  let failed: unknown;
  done.catch((e: unknown) => {
    failed = e;
  });
  return {
    async write(values) {
      if (failed) throw failed;
      blocks.push(blockDigest(values));
      const data = A.makeData({ type: new A.Float32(), data: values, length: values.length, nullCount: 0 });
      writer.write(
        new A.RecordBatch(schema, A.makeData({ type: new A.Struct([field]), length: values.length, children: [data], nullCount: 0 })),
      );
      // Let the file stream drain before the next batch is built.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    async finish() {
      writer.finish();
      await done;
      return { bytes, sha256: hash.digest('hex'), blocks };
    },
    async abort() {
      // Close the stream normally (the caller deletes the file); RecordBatchWriter.abort() leaves the pipeline pending.
      if (!failed) writer.finish();
      await done.catch(() => undefined);
    },
  };
}

/** Random access to the record batches of a chunked float32 file. */
export interface ChunkedFile {
  readonly numBatches: number;
  readonly metadata: ReadonlyMap<string, string>;
  /** The values of batch `index` (a view, no copy). */
  batch(index: number): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Opens a file written by {@link createChunkedWriter}; reading a batch reads only that batch's
 * bytes. With `blocks` (the digests recorded when the file was written), every batch is checked
 * as it is read: a batch whose values changed is an `E_FILE_FORMAT` error naming the file and the
 * batch, so damaged numbers never reach a caller.
 */
export async function openChunkedFile(path: string, blocks?: readonly string[]): Promise<ChunkedFile> {
  const A = await loadArrow();
  const fh = await open(path, 'r').catch((cause: unknown) => {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'assembly:arrow',
      message: `response file ${path} cannot be opened`,
      cause,
      details: { file: path },
    });
  });
  const bad = (message: string, cause?: unknown): never => {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:arrow',
      message: `${path}: ${message}`,
      cause,
      hint: 'Re-import the assembly; the file was not written by voxelwise or was damaged.',
      details: { file: path },
    });
  };
  try {
    let reader: import('apache-arrow').AsyncRecordBatchFileReader;
    try {
      const r = await A.RecordBatchReader.from(fh as unknown as import('apache-arrow').FileHandle);
      if (!r.isFile()) return bad('not an Arrow IPC file (footer missing)');
      reader = (await r.open()) as import('apache-arrow').AsyncRecordBatchFileReader;
    } catch (cause) {
      return bad('not a readable Arrow IPC file', cause);
    }
    const f = reader.schema.fields;
    if (f.length !== 1 || f[0]!.name !== 'values' || !A.DataType.isFloat(f[0]!.type) || f[0]!.type.precision !== A.Precision.SINGLE)
      bad('expected one float32 column "values"');
    if (blocks && blocks.length !== reader.numRecordBatches)
      bad(`holds ${reader.numRecordBatches} record batches but ${blocks.length} were written`);
    return {
      numBatches: reader.numRecordBatches,
      metadata: reader.schema.metadata,
      async batch(index) {
        let values: Float32Array;
        try {
          const b = await reader.readRecordBatch(index);
          if (!b) return bad(`record batch ${index} is missing`);
          const data = b.getChildAt(0)!.data[0]!;
          values = (data.values as Float32Array).subarray(data.offset, data.offset + data.length);
        } catch (cause) {
          // A damaged block header or body: apache-arrow throws plain errors (or RangeErrors).
          if (isVoxelwiseError(cause)) throw cause;
          return bad(`record batch ${index} cannot be read`, cause);
        }
        const expected = blocks?.[index];
        if (expected !== undefined && blockDigest(values) !== expected) {
          throw voxelwiseError({
            code: 'E_FILE_FORMAT',
            where: 'assembly:arrow',
            message: `${path}: record batch ${index} changed since it was written (its SHA-256 does not match the manifest)`,
            hint: 'The file was damaged or edited; copy it again or re-import the assembly. "voxelwise assembly validate" lists every damaged file.',
            details: { file: path, block: index },
          });
        }
        return values;
      },
      async close() {
        await fh.close();
      },
    };
  } catch (error) {
    await fh.close();
    throw error;
  }
}
