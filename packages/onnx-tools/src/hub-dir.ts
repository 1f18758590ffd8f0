import path from 'node:path';

/**
 * The hub cache folder of a repository at a revision under a voxelwise cache root: transformers.js
 * `FileCache` layout (`<cacheDir>/hub/<repo>`, `/<revision>` appended unless it is `main`), which
 * every model plugin downloads into and reads offline from.
 */
export function hubModelDir(cacheDir: string, repo: string, revision: string): string {
  const hub = path.join(path.resolve(cacheDir), 'hub');
  return revision === 'main' ? path.join(hub, repo) : path.join(hub, repo, revision);
}
