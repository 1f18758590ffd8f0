import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isVoxelwiseError, STAGE_KINDS, voxelwiseError } from '@voxelwise/core';
import type { AnyStage, Plugin, PluginRecord, Registry } from '@voxelwise/core';
import { importFile, moduleLoadError } from './load-config.js';
import { moduleDefault, moduleExport } from './module-default.js';

function isPlugin(value: unknown): value is Plugin {
  const v = value as Partial<Plugin> | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && Array.isArray(v.stages);
}

function isStage(value: unknown): value is AnyStage {
  const v = value as Partial<AnyStage> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.create === 'function' &&
    (STAGE_KINDS as readonly unknown[]).includes(v.kind)
  );
}

/** `@scope/name/sub/path` → `['@scope/name', './sub/path']`. */
function splitPackage(spec: string): [string, string] {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return [parts.slice(0, n).join('/'), rest ? `./${rest}` : '.'];
}

/** The target of an `exports` entry under the conditions `import()` uses. */
function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) return entry.map(exportTarget).find((t) => t !== undefined);
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const [condition, value] of Object.entries(entry)) {
    if (condition === 'import' || condition === 'node' || condition === 'default') {
      const target = exportTarget(value);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}

/**
 * Finds a package that exports only under the `import` condition, which `require.resolve` cannot
 * see: walks up `node_modules` folders from `dir` as Node does and reads its `exports` (or `main`).
 */
function resolveImportOnly(spec: string, dir: string): string | undefined {
  const [name, subpath] = splitPackage(spec);
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkgDir = join(d, 'node_modules', name);
    const manifest = join(pkgDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      const exp = pkg.exports;
      const entry =
        typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'))
          ? (exp as Record<string, unknown>)[subpath]
          : subpath === '.'
            ? exp
            : undefined;
      const target = exportTarget(entry) ?? (subpath === '.' && exp === undefined ? (pkg.main ?? 'index.js') : undefined);
      return target === undefined ? undefined : join(pkgDir, target);
    }
    if (dirname(d) === d) return undefined;
  }
}

/** Resolves a package name from `dir` as a module in `dir` would import it; undefined when not installed there. */
function resolveFrom(spec: string, dir: string): string | undefined {
  try {
    return createRequire(join(dir, 'package.json')).resolve(spec);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND') return undefined;
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return resolveImportOnly(spec, dir);
    throw error;
  }
}

/** The folder this CLI is installed in: the last place a plugin package is looked up. */
const cliDir = dirname(fileURLToPath(import.meta.url));

/**
 * Where a plugin `spec` is: a path (relative to `baseDir`), or a package name looked up from
 * `baseDir` (the config's folder), then the working directory, then the CLI's own location, so
 * that a CLI installed globally or in another project still finds the plugins of yours.
 */
function resolvePlugin(spec: string, baseDir: string): { file: string; searched: string[] } {
  if (spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:')) {
    const file = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(baseDir, spec);
    return { file, searched: [file] };
  }
  const searched = [...new Set([resolve(baseDir), process.cwd(), cliDir])];
  for (const dir of searched) {
    const file = resolveFrom(spec, dir);
    if (file !== undefined) return { file, searched };
  }
  throw voxelwiseError({
    code: 'E_CONFIG_INVALID',
    where: 'cli:plugins',
    message: `plugin package "${spec}" is not installed where the CLI looks (from ${searched.join(', ')})`,
    hint: `Install it in your project (npm install ${splitPackage(spec)[0]}), or give a path to the module.`,
  });
}

async function importPlugin(spec: string, baseDir: string): Promise<{ mod: unknown; file: string }> {
  const { file } = resolvePlugin(spec, baseDir);
  try {
    return { mod: await importFile(file), file };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') && String((error as Error).message).includes(file)) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'cli:plugins',
        message: `plugin "${spec}" cannot be found (looked at ${file})`,
        cause: error,
        hint: 'Relative plugin paths start at the config file (--plugin: at the current directory); package names must be installed.',
      });
    }
    if (isVoxelwiseError(error)) throw error;
    throw moduleLoadError('cli:plugins', `plugin "${spec}"`, file, error);
  }
}

/** A plugin module's plugin: its default export (or `plugin` export), called when it is a factory. */
async function pluginOf(spec: string, file: string, mod: unknown): Promise<Plugin | AnyStage> {
  let value = moduleDefault(mod) ?? moduleExport(mod, 'plugin');
  if (typeof value === 'function' && !isStage(value)) {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      if (isVoxelwiseError(error)) throw error;
      throw moduleLoadError('cli:plugins', `plugin "${spec}"`, file, error);
    }
  }
  if (!isPlugin(value) && !isStage(value)) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'cli:plugins',
      message: `plugin module "${spec}" does not export a plugin`,
      hint: 'Export default definePlugin(name, [stages]) (or a stage, or a function returning one).',
    });
  }
  return value;
}

/** A plugin module that was imported: the plugin it registered, and the record a run keeps of it. */
export interface LoadedPlugin {
  /** The plugin's name (a single stage registers under its own name). */
  readonly name: string;
  /** Specifier as written, the file imported and that file's SHA-256. */
  readonly record: PluginRecord;
}

/**
 * Imports plugin modules and registers what they export on `registry`. A module's default export
 * (or its `plugin` export) is a {@link Plugin}, a single stage, or a function returning either.
 * Importing a plugin runs its code with the user's rights, which is why each module's file and
 * SHA-256 are returned for the run to record.
 *
 * @param specs relative paths (resolved against `baseDir`), absolute paths or package names
 * @returns the plugins registered, in order, with their records
 */
export async function usePlugins(registry: Registry, specs: readonly unknown[], baseDir: string): Promise<LoadedPlugin[]> {
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) {
    if (typeof spec !== 'string' || spec === '') {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'cli:plugins',
        message: 'each entry of "plugins" must be a module path or package name',
        got: spec,
      });
    }
    const { mod, file } = await importPlugin(spec, baseDir);
    const plugin = await pluginOf(spec, file, mod);
    registry.use(plugin);
    // io (and Arrow with it) loads only when a plugin is used; the file is hashed after import so
    // the record names the bytes that ran (a module is read once per process).
    const { sha256File } = await import('@voxelwise/io');
    loaded.push({ name: plugin.name, record: { specifier: spec, resolvedPath: file, sha256: await sha256File(file) } });
  }
  return loaded;
}
