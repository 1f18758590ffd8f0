import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';

/**
 * A file that cannot be read as the format it claims: `E_FILE_FORMAT` naming the file, so a
 * caller never sees a raw exception from a parser.
 */
export function formatError(
  where: string,
  file: string,
  message: string,
  hint: string,
  extra: { got?: unknown; expected?: unknown; cause?: unknown } = {},
): Error {
  return voxelwiseError({
    code: 'E_FILE_FORMAT',
    where,
    message: `${file}: ${message}`,
    details: { file },
    hint,
    ...extra,
  });
}

/**
 * Runs a parser and turns anything it throws that is not already coded (a RangeError from a
 * DataView past the end, an Error from a third-party reader) into `E_FILE_FORMAT` naming the file.
 */
export function guardFormat<T>(where: string, file: string, hint: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isVoxelwiseError(e)) throw e;
    throw formatError(where, file, `cannot be parsed (${e instanceof Error ? e.message : String(e)})`, hint, { cause: e });
  }
}
