/**
 * The closed set of error codes voxelwise raises. Every failure a user can cause maps to one
 * of these, so scripts can branch on `code` instead of parsing messages.
 */
export const ERROR_CODES = [
  'E_USAGE',
  'E_CONFIG_INVALID',
  'E_OPTIONS_INVALID',
  'E_STAGE_UNKNOWN',
  'E_STAGE_DUPLICATE',
  'E_DATA_INVALID',
  'E_NOT_FINITE',
  'E_SHAPE_MISMATCH',
  'E_ALIGNMENT',
  'E_FILE_NOT_FOUND',
  'E_FILE_FORMAT',
  'E_IO',
  'E_CACHE_STALE',
  'E_CACHE_CORRUPT',
  'E_MODEL_LOAD',
  'E_MODEL_UNSUPPORTED',
  'E_BACKEND',
  'E_NETWORK',
  'E_ABORTED',
  'E_INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Structured context attached to an error (file, story, option, shapes, ...). */
export type ErrorDetails = Record<string, unknown>;

/** Options of {@link VoxelwiseError}. */
export interface VoxelwiseErrorOptions {
  /** The underlying error, if any (ES2022 `cause`). */
  cause?: unknown;
  /** Machine-readable context: file, story, option, expected and actual values. */
  details?: ErrorDetails;
}

/**
 * The one error class of voxelwise.
 *
 * Messages follow `[package:stage] what happened (got X, expected Y). What to do.`; use
 * {@link voxelwiseError} to build them in that shape.
 */
export class VoxelwiseError extends Error {
  override readonly name = 'VoxelwiseError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, options: VoxelwiseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Parts of a house-style error message. */
export interface ErrorSpec extends VoxelwiseErrorOptions {
  code: ErrorCode;
  /** `package:stage`, e.g. `downsample:lanczos`. */
  where: string;
  /** What happened, naming the file, story, voxel or option. */
  message: string;
  /** What was received, rendered as `(got …, expected …)` together with `expected`. */
  got?: unknown;
  expected?: unknown;
  /** What the user should do. */
  hint?: string;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Builds a {@link VoxelwiseError} whose message follows the house style.
 *
 * @example
 * throw voxelwiseError({ code: 'E_SHAPE_MISMATCH', where: 'downsample:lanczos',
 *   message: 'data times do not match data rows', got: 10, expected: 12,
 *   hint: 'Pass one time per word.' });
 */
export function voxelwiseError(spec: ErrorSpec): VoxelwiseError {
  const parts: string[] = [];
  if ('got' in spec || 'expected' in spec) {
    const inner: string[] = [];
    if ('got' in spec) inner.push(`got ${show(spec.got)}`);
    if ('expected' in spec) inner.push(`expected ${show(spec.expected)}`);
    parts.push(`(${inner.join(', ')})`);
  }
  let text = `[${spec.where}] ${spec.message}`;
  if (parts.length > 0) text += ` ${parts.join(' ')}`;
  text += '.';
  if (spec.hint) text += ` ${spec.hint}`;
  const details: ErrorDetails = { ...spec.details };
  if ('got' in spec) details['got'] = spec.got;
  if ('expected' in spec) details['expected'] = spec.expected;
  return new VoxelwiseError(spec.code, text, { cause: spec.cause, details });
}

/**
 * True when `error` is a {@link VoxelwiseError} (checked by name and code, so it works across
 * duplicated package copies), optionally with the given code.
 */
export function isVoxelwiseError(error: unknown, code?: ErrorCode): error is VoxelwiseError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  if (e.name !== 'VoxelwiseError' || typeof e.code !== 'string') return false;
  if (!(ERROR_CODES as readonly string[]).includes(e.code)) return false;
  return code === undefined || e.code === code;
}
