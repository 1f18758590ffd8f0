import { existsSync } from 'node:fs';

/** Where Debian and most Linux distributions install Chromium (checked after `$CHROMIUM_PATH`). */
export const CHROMIUM_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * The Chromium executable for headless rendering (the report check, TensorBoard chart images):
 * `$CHROMIUM_PATH` when set (undefined if that file does not exist, rather than silently another
 * browser), else the first of {@link CHROMIUM_PATHS} that exists.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}
