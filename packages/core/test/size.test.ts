import { describe, expect, it } from 'vitest';
import { formatSize, parseSize } from '../src/index.js';
import { expectCode } from './expect-code.js';

describe('parseSize', () => {
  it('reads SI units as powers of 10 and IEC units as powers of 2, in any case', () => {
    expect(parseSize('8GB')).toBe(8e9);
    expect(parseSize('8gib')).toBe(8 * 2 ** 30);
    expect(parseSize('512 MiB')).toBe(512 * 2 ** 20);
    expect(parseSize('1.5kb')).toBe(1500);
    expect(parseSize('2TB')).toBe(2e12);
    expect(parseSize('1TiB')).toBe(2 ** 40);
    expect(parseSize('1KiB')).toBe(1024);
    expect(parseSize('1MB')).toBe(1e6);
  });

  it('takes bare numbers as bytes', () => {
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('2e9')).toBe(2e9);
    expect(parseSize('10 B')).toBe(10);
  });

  it('refuses anything else with E_CONFIG_INVALID naming the option', () => {
    expectCode(() => parseSize('8 gigs', 'memoryBudget'), 'E_CONFIG_INVALID', /memoryBudget "8 gigs" is not a size/);
    expectCode(() => parseSize('-1GB'), 'E_CONFIG_INVALID', /size "-1GB"/);
    expectCode(() => parseSize(Number.NaN, 'cacheSize'), 'E_CONFIG_INVALID', /cacheSize/);
    expectCode(() => parseSize(''), 'E_CONFIG_INVALID');
  });
});

describe('formatSize', () => {
  it('writes SI units with three significant digits and round-trips through parseSize', () => {
    expect(formatSize(999)).toBe('999 B');
    expect(formatSize(8e9)).toBe('8 GB');
    expect(formatSize(1_234_567)).toBe('1.23 MB');
    expect(parseSize(formatSize(8e9).replace(' ', ''))).toBe(8e9);
  });
});
