/**
 * Canonical JSON for hashing: object keys sorted (UTF-16 code-unit order, as `Array.sort`), no
 * whitespace, properties whose value is `undefined` left out and `undefined` in arrays written as
 * `null` (as `JSON.stringify` does). Two values that mean the same give the same string, so its
 * hash can key a cache or name a run. Strings and numbers are written by `JSON.stringify`
 * (RFC 8785 differs only in its key order for non-ASCII keys and in number formatting edge cases).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
