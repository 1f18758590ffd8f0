import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('drops undefined properties and writes undefined array items as null, as JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(JSON.parse(canonicalJson({ z: 'é"\n', n: -0.5 }))).toEqual({ z: 'é"\n', n: -0.5 });
  });
});
