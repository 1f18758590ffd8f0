import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STAGE_KINDS, voxelwiseError } from '@voxelwise/core';
import type { AnyStage, Plugin, Registry } from '@voxelwise/core';

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

async function importModule(spec: string, baseDir: string): Promise<Record<string, unknown>> {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  const target = isPath ? pathToFileURL(resolve(baseDir, spec)).href : spec;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Plain Node cannot import .ts files; load them through tsx as .ts configs are.
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?ts$/.test(target)) {
      return (await (await import('tsx/esm/api')).tsImport(target, import.meta.url)) as Record<string, unknown>;
    }
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ENOENT') {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'cli:plugins',
        message: `plugin "${spec}" cannot be found${isPath ? ` (looked at ${resolve(baseDir, spec)})` : ''}`,
        cause: error,
        hint: 'Relative plugin paths start at the config file (--plugin: at the current directory); package names must be installed.',
      });
    }
    throw error;
  }
}

/**
 * Imports plugin modules and registers what they export on `registry`. A module's default export
 * (or its `plugin` export) is a {@link Plugin}, a single stage, or a function returning either.
 *
 * @param specs relative paths (resolved against `baseDir`), absolute paths or package names
 */
export async function usePlugins(registry: Registry, specs: readonly unknown[], baseDir: string): Promise<void> {
  for (const spec of specs) {
    if (typeof spec !== 'string' || spec === '') {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'cli:plugins',
        message: 'each entry of "plugins" must be a module path or package name',
        got: spec,
      });
    }
    const mod = await importModule(spec, baseDir);
    let value = mod['default'] ?? mod['plugin'];
    if (typeof value === 'function' && !isStage(value)) value = await (value as () => unknown)();
    if (!isPlugin(value) && !isStage(value)) {
      throw voxelwiseError({
        code: 'E_CONFIG_INVALID',
        where: 'cli:plugins',
        message: `plugin module "${spec}" does not export a plugin`,
        hint: 'Export default definePlugin(name, [stages]) (or a stage, or a function returning one).',
      });
    }
    registry.use(value);
  }
}
