// Packs every publishable workspace package with `npm pack` (so prepack/postpack run as they do on
// publish) and checks what a consumer would get: no dev-time source condition in the packed
// package.json, and the working-tree package.json byte-identical afterwards.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, workspacePackages } from '../workspace-packages.mjs';

const SOURCE_CONDITION = '@voxelwise/source';

/** Runs a command, returning stdout; on failure throws with the command's output in the message. */
export function run(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...options });
  } catch (error) {
    const out = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim();
    throw new Error(
      `${cmd} ${args.join(' ')} failed (exit ${error.status ?? error.signal})${options.cwd ? ` in ${options.cwd}` : ''}\n${out}`,
    );
  }
}

/** The package.json inside a tarball, parsed. */
function packedManifest(tarball) {
  return JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']));
}

/**
 * Packs each publishable package into `dest`; returns `[{ name, rel, tarball, files }]`.
 * Throws when a packed manifest still carries the source condition or when packing changed the
 * working-tree package.json.
 */
export function packAll(dest) {
  const pkgs = workspacePackages().filter((p) => p.publishable);
  const before = pkgs.map((p) => readFileSync(join(p.dir, 'package.json')));
  // One npm process for every workspace (each still runs its own prepack and postpack).
  const json = run('npm', ['pack', '--json', '--pack-destination', dest, ...pkgs.flatMap((p) => ['--workspace', p.rel])], { cwd: ROOT });
  const infos = JSON.parse(json.slice(json.indexOf('[')));
  return pkgs.map((pkg, i) => {
    if (!before[i].equals(readFileSync(join(pkg.dir, 'package.json')))) {
      throw new Error(`${pkg.rel}/package.json changed while packing (postpack must restore it byte for byte)`);
    }
    const info = infos.find((x) => x.name === pkg.manifest.name);
    if (!info) throw new Error(`npm pack returned nothing for ${pkg.manifest.name}`);
    const tarball = join(dest, info.filename);
    if (JSON.stringify(packedManifest(tarball)).includes(SOURCE_CONDITION)) {
      throw new Error(`${pkg.rel}: the packed package.json still carries "${SOURCE_CONDITION}" (prepack did not strip it)`);
    }
    return { name: pkg.manifest.name, rel: pkg.rel, tarball, bytes: info.size, files: info.files.map((f) => f.path) };
  });
}
