import type { LmCacheEntry } from '@voxelwise/features-lm';
import type { SpeechCacheEntry } from '@voxelwise/features-speech';
import type { Command, TextOut } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(1)} kB`;
}

/** The status column of a cache listing: blank (ls), `unreadable`, or verify's `ok` / `INVALID`. */
function entryStatus(e: { ok?: boolean; error?: string }): string {
  return e.ok === undefined ? (e.error ? 'unreadable' : '') : e.ok ? 'ok' : 'INVALID';
}

/** Prints `head` and `rows` as left-aligned columns two spaces apart (trailing blanks trimmed). */
function printColumns(out: TextOut, head: readonly string[], rows: readonly string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  out.write(`${line(head)}\n${rows.map(line).join('\n')}\n`);
}

function table(out: TextOut, entries: ReadonlyArray<LmCacheEntry & { ok?: boolean }>): void {
  const rows = entries.map((e) => {
    const m = e.metadata;
    const status = entryStatus(e);
    if (!m) return [e.file.slice(-18, -6), '?', '?', '?', '', '', '', '', size(e.bytes), '', status || 'unreadable', e.error ?? ''];
    const p = m.parts;
    return [
      m.key.slice(0, 12),
      m.story,
      m.model.hub?.repo ?? m.model.label,
      `${p.contextType}${p.slidingWindow ? `/${p.slidingWindow}` : ''}`,
      String(p.lookback),
      p.pooling,
      `${m.nLayers}×${m.dModel}`,
      String(m.nWords),
      size(e.bytes),
      m.createdAt.slice(0, 19).replace('T', ' '),
      status,
      e.error ?? '',
    ];
  });
  const head = ['key', 'story', 'model', 'context', 'lookback', 'pooling', 'layers', 'words', 'size', 'created', '', ''];
  printColumns(out, head, rows);
}

function speechTable(out: TextOut, entries: ReadonlyArray<SpeechCacheEntry & { ok?: boolean }>): void {
  const rows = entries.map((e) => {
    const m = e.metadata;
    const status = entryStatus(e);
    if (!m) return [e.file.slice(-18, -6), '?', '?', '', '', '', '', size(e.bytes), '', status || 'unreadable', e.error ?? ''];
    const p = m.parts;
    return [
      m.key.slice(0, 12),
      m.story,
      m.model.hub?.repo ?? m.model.label,
      `${p.chunkSize}/${p.contextSize}${p.hop !== undefined && p.hop !== p.chunkSize ? ` hop ${p.hop}` : ''}`,
      `${p.pool}${p.whisperFrames ? `/${p.whisperFrames}` : ''}`,
      `${m.nLayers}×${m.dModel}`,
      String(m.nWindows),
      size(e.bytes),
      m.createdAt.slice(0, 19).replace('T', ' '),
      status,
      e.error ?? '',
    ];
  });
  const head = ['key', 'story', 'speech model', 'chunk/context s', 'pool', 'layers', 'windows', 'size', 'created', '', ''];
  printColumns(out, head, rows);
}

/** The speech cache module when @voxelwise/features-speech is installed (an optional peer), else undefined. */
async function speechCache() {
  try {
    return await (await import('../optional-speech.js')).importFeaturesSpeech('cache');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'E_MODEL_LOAD') return undefined;
    throw error;
  }
}

const options = {
  'cache-dir': { type: 'string', value: '<dir>', description: 'Cache root (default .voxelwise-cache, in the current folder)' },
  model: { type: 'string', value: '<text>', description: 'clear: only files whose model label or hub repository contains <text>' },
  story: { type: 'string', value: '<name>', description: 'clear: only files of this story' },
  invalid: { type: 'boolean', description: 'clear: only files that fail verify' },
  json: { type: 'boolean', description: 'ls / verify: machine-readable output' },
} as const;

export const cacheCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise cache ls | verify | clear [options]'],
    description: `The feature cache holds every layer of a language model for one story per file (Arrow IPC,
<cache-dir>/features-lm/<key>.arrow, the key a hash of the model files, tokenizer, context
policy, lookback, pooling and the story's words). Speech-model features live beside them in
<cache-dir>/features-speech (key: audio SHA-256, model files, chunk, context, pool); ls, verify
and clear cover both.

  ls       One line per file: story, model, context, lookback, pooling, layers × d, words, size
  verify   Reads every file and every layer's checksum; exits 1 if any is invalid
  clear    Deletes files (all, or those matching --model / --story / --invalid) and stale
           temporary files left by interrupted writes`,
    options,
    examples: ['voxelwise cache ls', 'voxelwise cache verify --cache-dir /scratch/vw-cache', 'voxelwise cache clear --model opt-125m'],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('cache', options, args);
    const [sub, ...rest] = positionals;
    if (rest.length > 0) throw usageError(`cache ${sub} takes no positional arguments (got "${rest.join(' ')}")`);
    const cacheDir = values['cache-dir'] ?? '.voxelwise-cache';
    if ((values.model !== undefined || values.story !== undefined || values.invalid) && sub !== 'clear')
      throw usageError('--model, --story and --invalid apply to "cache clear" only');
    if (sub !== 'ls' && sub !== 'list' && sub !== 'verify' && sub !== 'clear')
      throw usageError(`cache needs a subcommand: ls, verify or clear${sub ? ` (got "${sub}")` : ''}`);
    const { clearLmCache, listLmCache, lmCacheDir, verifyLmCache } = await (await import('../optional-lm.js')).importFeaturesLm('cache');
    if (sub === 'ls' || sub === 'list') {
      const entries = await listLmCache(cacheDir);
      const speech = await speechCache();
      const speechEntries = speech ? await speech.listSpeechCache(cacheDir) : [];
      // One array: language-model entries as before, then speech entries tagged kind: "speech".
      if (values.json) env.out.write(`${JSON.stringify([...entries, ...speechEntries.map((e) => ({ kind: 'speech', ...e }))], null, 2)}\n`);
      else {
        if (entries.length === 0) env.out.write(`no cached features in ${lmCacheDir(cacheDir)}\n`);
        else {
          table(env.out, entries);
          env.out.write(`${entries.length} files, ${size(entries.reduce((a, e) => a + e.bytes, 0))} in ${lmCacheDir(cacheDir)}\n`);
        }
        if (speech && speechEntries.length > 0) {
          speechTable(env.out, speechEntries);
          env.out.write(
            `${speechEntries.length} files, ${size(speechEntries.reduce((a, e) => a + e.bytes, 0))} in ${speech.speechCacheDir(cacheDir)}\n`,
          );
        }
      }
      return 0;
    }
    if (sub === 'verify') {
      const entries = await verifyLmCache(cacheDir);
      const speech = await speechCache();
      const speechEntries = speech ? await speech.verifySpeechCache(cacheDir) : [];
      const bad = [...entries, ...speechEntries].filter((e) => !e.ok);
      const summary = (all: ReadonlyArray<{ ok: boolean }>) => {
        const n = all.filter((e) => !e.ok).length;
        return `${all.length - n} ok, ${n} invalid${n > 0 ? ' (remove them with "voxelwise cache clear --invalid"; they are recomputed on next use anyway)' : ''}\n`;
      };
      if (values.json) env.out.write(`${JSON.stringify([...entries, ...speechEntries.map((e) => ({ kind: 'speech', ...e }))], null, 2)}\n`);
      else {
        if (entries.length === 0) env.out.write(`no cached features in ${lmCacheDir(cacheDir)}\n`);
        else {
          table(env.out, entries);
          env.out.write(summary(entries));
        }
        if (speech && speechEntries.length > 0) {
          speechTable(env.out, speechEntries);
          env.out.write(summary(speechEntries));
        }
      }
      return bad.length > 0 ? 1 : 0;
    }
    // clear
    const removed = await clearLmCache(cacheDir, {
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values.story !== undefined ? { story: values.story } : {}),
      ...(values.invalid ? { invalidOnly: true } : {}),
    });
    env.out.write(
      `removed ${removed.files} ${removed.files === 1 ? 'file' : 'files'} (${size(removed.bytes)}) from ${lmCacheDir(cacheDir)}\n`,
    );
    const speech = await speechCache();
    if (speech) {
      const gone = await speech.clearSpeechCache(cacheDir, {
        ...(values.model !== undefined ? { model: values.model } : {}),
        ...(values.story !== undefined ? { story: values.story } : {}),
        ...(values.invalid ? { invalidOnly: true } : {}),
      });
      if (gone.files > 0 || gone.bytes > 0)
        env.out.write(
          `removed ${gone.files} ${gone.files === 1 ? 'file' : 'files'} (${size(gone.bytes)}) from ${speech.speechCacheDir(cacheDir)}\n`,
        );
    }
    return 0;
  },
};
