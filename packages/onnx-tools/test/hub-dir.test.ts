import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hubModelDir } from '../src/index.js';

describe('hubModelDir', () => {
  it('puts main at <cacheDir>/hub/<repo> and other revisions one folder deeper', () => {
    expect(hubModelDir('/c', 'org/m', 'main')).toBe(path.join('/c', 'hub', 'org', 'm'));
    expect(hubModelDir('/c', 'org/m', 'v1')).toBe(path.join('/c', 'hub', 'org', 'm', 'v1'));
    expect(hubModelDir('rel', 'm', 'main')).toBe(path.join(path.resolve('rel'), 'hub', 'm'));
  });
});
