import type { Story } from '@voxelwise/core';

/**
 * Opens each story once: later calls share the first call's promise, and a failed open is
 * forgotten so the next call tries again.
 */
export function storyCache<K>(open: (key: K) => Promise<Story>): (name: string, key: K) => Promise<Story> {
  const cache = new Map<string, Promise<Story>>();
  return (name, key) => {
    let p = cache.get(name);
    if (!p) {
      p = open(key);
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
}
