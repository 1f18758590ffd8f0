import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { parseArrowTable } from '@voxelwise/io';

const WHERE = 'features-basic:arrow';

/** A feature matrix read from a file, with column names when the file has them. */
export interface FeatureTable {
  readonly data: Matrix;
  readonly columns?: readonly string[];
}

type ArrowModule = typeof import('apache-arrow');
type Table = import('apache-arrow').Table;
type Field = import('apache-arrow').Field;

function formatError(source: string, message: string, hint: string, extra: { got?: unknown; expected?: unknown } = {}): Error {
  return voxelwiseError({
    code: 'E_FILE_FORMAT',
    where: WHERE,
    message: `${source}: ${message}`,
    details: { file: source },
    hint,
    ...extra,
  });
}

/** Float32/Float64 precision of a field (1 = single, 2 = double), or undefined for other types. */
function floatBytes(A: ArrowModule, field: Field): 4 | 8 | undefined {
  const t = field.type as { typeId: number; precision?: number };
  if (t.typeId !== A.Type.Float) return undefined;
  if (t.precision === A.Precision.SINGLE) return 4;
  if (t.precision === A.Precision.DOUBLE) return 8;
  return undefined;
}

function describe(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`);
}

/** Copies one FixedSizeList<Float32|Float64> column into a rows × listSize matrix. */
function fromListColumn(A: ArrowModule, table: Table, field: Field, source: string): FeatureTable {
  const type = field.type as { listSize: number; children: Field[] };
  const childField = type.children[0]!;
  const bytes = floatBytes(A, childField);
  if (bytes === undefined) {
    throw formatError(
      source,
      `column "${field.name}" is a list of ${String(childField.type)}`,
      'Store features as FixedSizeList<Float32> or FixedSizeList<Float64>.',
      { got: String(field.type) },
    );
  }
  const vector = table.getChild(field.name)!;
  if (vector.nullCount > 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${source}: column "${field.name}" has ${vector.nullCount} null rows`,
      details: { file: source },
      hint: 'Write a value for every row (zeros for empty words).',
    });
  }
  const cols = type.listSize;
  const rows = table.numRows;
  const chunks = vector.data;
  const first = chunks[0];
  // One record batch: a zero-copy view into the file's buffer.
  if (chunks.length === 1 && first) {
    const values = first.children[0]!.values as Float32Array | Float64Array;
    const start = (first.offset + first.children[0]!.offset) * cols;
    return { data: { rows, cols, data: values.subarray(start, start + rows * cols) } };
  }
  const out = bytes === 4 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  let at = 0;
  for (const chunk of chunks) {
    const values = chunk.children[0]!.values as Float32Array | Float64Array;
    const start = (chunk.offset + chunk.children[0]!.offset) * cols;
    out.set(values.subarray(start, start + chunk.length * cols), at);
    at += chunk.length * cols;
  }
  return { data: { rows, cols, data: out } };
}

/** Interleaves scalar float columns (one per feature) into a row-major matrix. */
function fromScalarColumns(A: ArrowModule, table: Table, fields: Field[], source: string): FeatureTable {
  const rows = table.numRows;
  const cols = fields.length;
  const double = fields.some((f) => floatBytes(A, f) === 8);
  const out = double ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (const [j, field] of fields.entries()) {
    const vector = table.getChild(field.name)!;
    if (vector.nullCount > 0) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: WHERE,
        message: `${source}: column "${field.name}" has ${vector.nullCount} null rows`,
        details: { file: source },
        hint: 'Write a value for every row (zeros for empty words).',
      });
    }
    let i = 0;
    for (const chunk of vector.data) {
      const values = chunk.values as Float32Array | Float64Array;
      for (let k = 0; k < chunk.length; k++) out[(i + k) * cols + j] = values[chunk.offset + k]!;
      i += chunk.length;
    }
  }
  return { data: { rows, cols, data: out }, columns: fields.map((f) => f.name) };
}

/**
 * Reads a feature matrix from an Arrow IPC file or stream. Two layouts are accepted:
 * one `FixedSizeList<Float32|Float64>` column (the layout voxelwise writes; read without a copy
 * when the file has one record batch), or one Float32/Float64 column per feature.
 *
 * @param bytes the whole file
 * @param source the file name, used in error messages
 * @param column pick this FixedSizeList column when the file has several columns
 * @example
 * const { data } = await parseArrowFeatures(readFileSync('story01.arrow'), 'story01.arrow');
 */
export async function parseArrowFeatures(bytes: Uint8Array, source = '<buffer>', column?: string): Promise<FeatureTable> {
  const A = await import('apache-arrow');
  const table = await parseArrowTable(bytes, source, WHERE);
  const fields = table.schema.fields;
  if (column !== undefined) {
    const field = fields.find((f) => f.name === column);
    if (!field)
      throw formatError(source, `there is no column "${column}"`, "Set the column option to one of the file's columns.", {
        got: column,
        expected: fields.map((f) => f.name),
      });
    if (field.typeId === A.Type.FixedSizeList) return fromListColumn(A, table, field, source);
    if (floatBytes(A, field) !== undefined) return fromScalarColumns(A, table, [field], source);
    throw formatError(
      source,
      `column "${column}" has type ${String(field.type)}`,
      'Pick a FixedSizeList<Float32|Float64> or float column.',
      { got: String(field.type) },
    );
  }
  if (fields.length === 1 && fields[0]!.typeId === A.Type.FixedSizeList) return fromListColumn(A, table, fields[0]!, source);
  if (fields.length > 0 && fields.every((f) => floatBytes(A, f) !== undefined)) return fromScalarColumns(A, table, fields, source);
  throw formatError(
    source,
    'the columns are neither one FixedSizeList of floats nor only float columns',
    'Store one FixedSizeList<Float32> column (rows × features), or only Float32/Float64 columns, or set the column option.',
    { got: describe(table) },
  );
}
