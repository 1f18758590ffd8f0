import { voxelwiseError } from '@voxelwise/core';
import { ByteReader } from './byte-reader.js';
import { createEmbeddingTable } from './embedding-table.js';
import type { EmbeddingTable } from './embedding-table.js';

const WHERE = 'features-basic:embeddings';
const NEWLINE = 0x0a;
const SPACE = 0x20;
const utf8 = new TextDecoder('utf-8');
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Options of {@link loadWord2Vec}. */
export interface Word2VecOptions {
  /** Binary (`.bin`) or text (`.txt`, `.vec`) format. */
  binary: boolean;
  /** Whether the first line is `<count> <dims>`. @default detected from the first line */
  header?: boolean;
  /** Vector length; required for binary files without a header line. */
  dims?: number;
  /** Load only the first `limit` vectors (word2vec files are sorted by frequency). */
  limit?: number;
  /** Refuse files whose vectors would take more bytes than this. */
  maxBytes?: number;
  /** Called every 50,000 vectors with the count so far and the total when the header gives it. */
  onProgress?: (done: number, total: number | undefined) => void;
  signal?: AbortSignal;
}

/** Parses `"<count> <dims>"`, or undefined. */
function parseHeader(line: string): { count: number; dims: number } | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
  return m ? { count: Number(m[1]), dims: Number(m[2]) } : undefined;
}

/** Growable row storage for vectors of a fixed length. */
class VectorStore {
  words: string[] = [];
  data: Float32Array;
  constructor(
    readonly dims: number,
    capacity: number,
  ) {
    this.data = new Float32Array(Math.max(1, capacity) * dims);
  }
  /** The row to write the next vector into. */
  next(word: string): Float32Array {
    const i = this.words.length;
    if ((i + 1) * this.dims > this.data.length) {
      const grown = new Float32Array(Math.max(this.data.length * 2, (i + 1) * this.dims));
      grown.set(this.data);
      this.data = grown;
    }
    this.words.push(word);
    return this.data.subarray(i * this.dims, (i + 1) * this.dims);
  }
  table(): EmbeddingTable {
    // gensim load_word2vec_format keeps the first vector of a duplicated word.
    return createEmbeddingTable(this.words, this.dims, this.data.subarray(0, this.words.length * this.dims), 'first');
  }
}

function checkSize(path: string, count: number, dims: number, maxBytes: number | undefined): void {
  const bytes = count * dims * 4;
  if (maxBytes !== undefined && bytes > maxBytes) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `${path}: ${count} vectors of ${dims} dimensions need ${(bytes / 1e9).toFixed(2)} GB, more than the memory budget of ${(maxBytes / 1e9).toFixed(2)} GB`,
      details: { file: path, count, dims },
      hint: 'Set the limit option to load only the most frequent words, or raise memoryBudget.',
    });
  }
}

function formatError(path: string, message: string, hint: string): Error {
  return voxelwiseError({ code: 'E_FILE_FORMAT', where: WHERE, message: `${path}: ${message}`, details: { file: path }, hint });
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw voxelwiseError({ code: 'E_ABORTED', where: WHERE, message: 'loading word vectors was aborted' });
}

async function readText(reader: ByteReader, path: string, options: Word2VecOptions): Promise<EmbeddingTable> {
  const first = await reader.readUntil(NEWLINE, false);
  if (first === null) throw formatError(path, 'the file is empty', 'Pass a word2vec text file: one "word v1 v2 …" line per word.');
  const header = options.header === false ? undefined : parseHeader(utf8.decode(first));
  if (options.header === true && !header)
    throw formatError(
      path,
      `the first line is not "<count> <dims>" (got "${utf8.decode(first).slice(0, 60)}")`,
      'Set header: false for files without a header line.',
    );
  if (header) await reader.readUntil(NEWLINE);
  const total = header ? Math.min(header.count, options.limit ?? Infinity) : options.limit;
  if (header) checkSize(path, total ?? header.count, header.dims, options.maxBytes);
  let store: VectorStore | undefined;
  let line = header ? 1 : 0;
  for (;;) {
    if (total !== undefined && (store?.words.length ?? 0) >= total) break;
    const raw = await reader.readUntil(NEWLINE);
    if (raw === null) break;
    line++;
    const text = utf8.decode(raw).trimEnd();
    if (text === '') continue;
    const parts = text.split(' ');
    const dims = header?.dims ?? store?.dims ?? parts.length - 1;
    if (!store) {
      if (dims < 1) throw formatError(path, `line ${line} has no vector`, 'Each line must be "word v1 v2 …".');
      checkSize(path, total ?? 1, dims, options.maxBytes);
      store = new VectorStore(dims, total ?? 1024);
    }
    if (parts.length !== dims + 1) {
      throw formatError(
        path,
        `line ${line} has ${parts.length - 1} values, expected ${dims}`,
        header
          ? 'The header says how many values each line has; check the file, or set header: false.'
          : 'Every line must have the same number of values; is this really a word2vec text file?',
      );
    }
    const row = store.next(parts[0]!);
    for (let k = 0; k < dims; k++) {
      const v = Number(parts[k + 1]);
      if (!Number.isFinite(v) || parts[k + 1] === '')
        throw formatError(path, `line ${line}, value ${k + 1} ("${parts[k + 1]}") is not a finite number`, 'Fix or remove that line.');
      row[k] = v;
    }
    if (store.words.length % 50_000 === 0) {
      checkAbort(options.signal);
      checkSize(path, store.words.length, dims, options.maxBytes);
      options.onProgress?.(store.words.length, total);
    }
  }
  if (!store) throw formatError(path, 'the file has no vectors', 'Pass a word2vec text file: one "word v1 v2 …" line per word.');
  if (header && store.words.length < (total ?? 0)) {
    throw formatError(
      path,
      `the file ends after ${store.words.length} of the ${header.count} vectors its header announces`,
      'The file is truncated; download or write it again.',
    );
  }
  return store.table();
}

async function readBinary(reader: ByteReader, path: string, options: Word2VecOptions): Promise<EmbeddingTable> {
  const first = await reader.readUntil(NEWLINE, false);
  if (first === null) throw formatError(path, 'the file is empty', 'Pass a word2vec binary file.');
  const header = options.header === false ? undefined : parseHeader(first.length <= 64 ? utf8.decode(first) : '');
  if (options.header === true && !header)
    throw formatError(
      path,
      'the first line is not "<count> <dims>"',
      'Set header: false and the dims option for files without a header line.',
    );
  if (header) await reader.readUntil(NEWLINE);
  const dims = header?.dims ?? options.dims;
  if (dims === undefined) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `${path}: a binary word2vec file without a header line needs the dims option`,
      details: { file: path },
      hint: 'Set dims to the vector length (e.g. 300).',
    });
  }
  if (header && options.dims !== undefined && options.dims !== header.dims) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `${path}: the header says ${header.dims} dimensions but the dims option says ${options.dims}`,
      got: options.dims,
      expected: header.dims,
      details: { file: path },
    });
  }
  const total = header ? Math.min(header.count, options.limit ?? Infinity) : options.limit;
  checkSize(path, total ?? 1, dims, options.maxBytes);
  const store = new VectorStore(dims, total ?? 1024);
  const bytes = dims * 4;
  for (;;) {
    if (total !== undefined && store.words.length >= total) break;
    // gensim strips the newline the C tool writes after each vector.
    if (!(await reader.skip([NEWLINE, 0x0d]))) break;
    const word = await reader.readUntil(SPACE);
    const vec = word === null ? null : await reader.read(bytes);
    if (word === null || vec === null) {
      throw formatError(path, `the file ends inside vector ${store.words.length + 1}`, 'The file is truncated, or dims is wrong.');
    }
    const row = store.next(utf8.decode(word));
    if (LITTLE_ENDIAN) {
      // The file is little-endian float32, like the host: copy the bytes.
      new Uint8Array(row.buffer, row.byteOffset, bytes).set(vec);
    } else {
      const view = new DataView(vec.buffer, vec.byteOffset, bytes);
      for (let k = 0; k < dims; k++) row[k] = view.getFloat32(4 * k, true);
    }
    if (store.words.length % 50_000 === 0) {
      checkAbort(options.signal);
      checkSize(path, store.words.length, dims, options.maxBytes);
      options.onProgress?.(store.words.length, total);
    }
  }
  if (header && store.words.length < (total ?? 0)) {
    throw formatError(
      path,
      `the file ends after ${store.words.length} of the ${header.count} vectors its header announces`,
      'The file is truncated; download or write it again.',
    );
  }
  if (store.words.length === 0) throw formatError(path, 'the file has no vectors', 'Pass a word2vec binary file.');
  return store.table();
}

/**
 * Loads word2vec vectors in the text or binary format of Mikolov's C tool, with or without the
 * `<count> <dims>` header line (gensim `KeyedVectors.load_word2vec_format`), gzipped or not.
 * Vectors are stored as float32, as gensim does.
 *
 * @example
 * const table = await loadWord2Vec('GoogleNews-vectors-negative300.bin', { binary: true, limit: 200_000 });
 */
export async function loadWord2Vec(path: string, options: Word2VecOptions): Promise<EmbeddingTable> {
  const reader = await ByteReader.open(path, WHERE, 'word2vec file');
  try {
    return await (options.binary ? readBinary(reader, path, options) : readText(reader, path, options));
  } finally {
    await reader.close();
  }
}
