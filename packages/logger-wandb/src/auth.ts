import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The host part of a URL (`https://api.wandb.ai/` → `api.wandb.ai`), as netrc names machines. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The password of `machine <host>` in a netrc file (the format `wandb login` writes), or
 * undefined. Tokens may span lines; `#` starts a comment; `default` applies to any host.
 */
export function netrcPassword(text: string, host: string): string | undefined {
  const tokens = text
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  let current: string | null = null;
  let fallback: string | undefined;
  let found: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === 'machine') current = tokens[++i] ?? null;
    else if (t === 'default') current = '*';
    else if (t === 'password') {
      const pw = tokens[++i];
      if (current === host && found === undefined) found = pw;
      if (current === '*' && fallback === undefined) fallback = pw;
    }
  }
  return found ?? fallback;
}

/** Where a key was found, for messages (never the key itself). */
export type KeySource = 'WANDB_API_KEY' | 'netrc';

/**
 * The W&B API key: `$WANDB_API_KEY`, else the netrc entry for the API host
 * (`$NETRC` or `~/.netrc`). Never read from config files, which are copied into run directories.
 */
export function findApiKey(baseUrl: string, env: NodeJS.ProcessEnv = process.env): { key: string; source: KeySource } | undefined {
  const fromEnv = env['WANDB_API_KEY']?.trim();
  if (fromEnv) return { key: fromEnv, source: 'WANDB_API_KEY' };
  const path = env['NETRC'] ?? join(env['HOME'] ?? homedir(), '.netrc');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const key = netrcPassword(text, hostOf(baseUrl));
  return key ? { key, source: 'netrc' } : undefined;
}
