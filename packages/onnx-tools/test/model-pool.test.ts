import { describe, expect, it } from 'vitest';
import { createModelPool } from '../src/model-pool.js';

const source = { dir: '/models/a', onnxFile: '/models/a/onnx/model.onnx' };

describe('createModelPool', () => {
  it('opens a source once for every holder and frees its sessions on the last release', async () => {
    const pool = createModelPool<{ source: typeof source }, { session: { release(): Promise<void> } }>();
    let opens = 0;
    let released = 0;
    const create = async (sessions: Map<string, Promise<{ session: { release(): Promise<void> } }>>) => {
      opens++;
      sessions.set('1', Promise.resolve({ session: { release: async () => void released++ } }));
      sessions.set('2', Promise.reject(new Error('failed to open')));
      sessions.get('2')!.catch(() => undefined);
      return { source };
    };
    const [a, b] = await Promise.all([pool.open(source, create), pool.open(source, create)]);
    expect(a).toBe(b);
    expect(opens).toBe(1);
    await pool.release(a);
    expect(released).toBe(0);
    await pool.release(b);
    expect(released).toBe(1);
    // Released for good: the next open creates it again.
    const c = await pool.open(source, create);
    expect(c).not.toBe(a);
    expect(opens).toBe(2);
  });

  it('forgets a failed open so that the next call tries again', async () => {
    const pool = createModelPool<{ source: typeof source }, { session: { release(): Promise<void> } }>();
    await expect(pool.open(source, () => Promise.reject(new Error('no config.json')))).rejects.toThrow('no config.json');
    await expect(pool.open(source, async () => ({ source }))).resolves.toEqual({ source });
  });

  it('ignores a release of a model it does not hold', async () => {
    const pool = createModelPool<{ source: typeof source }, { session: { release(): Promise<void> } }>();
    const held = await pool.open(source, async () => ({ source }));
    await pool.release({ source });
    await pool.release({ source: { dir: '/elsewhere', onnxFile: 'x.onnx' } });
    const again = await pool.open(source, async () => ({ source }));
    expect(again).toBe(held);
  });
});
