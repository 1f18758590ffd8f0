import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** A DevTools protocol event, as the browser sends it. */
export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** The page session it belongs to (absent for browser-level events). */
  readonly sessionId?: string;
}

/** One tab of a {@link CdpBrowser}, attached in flat mode (its commands carry its session id). */
export interface CdpPage {
  readonly sessionId: string;
  /** Sends a DevTools command to this page; rejects on a protocol error or when the browser exits. */
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Calls `listener` for every event of this page. */
  on(listener: (method: string, params: Record<string, unknown>) => void): void;
  /** Resolves with the params of the next event named `method` (register before triggering it). */
  next(method: string): Promise<Record<string, unknown>>;
  /**
   * Evaluates a JavaScript expression (awaited when it is a promise) and returns its JSON value;
   * rejects with the page's exception text when it throws.
   */
  evaluate<T>(expression: string): Promise<T>;
  /** `Page.captureScreenshot` as PNG bytes (`captureBeyondViewport`; `clip` in CSS pixels). */
  screenshot(clip?: { x: number; y: number; width: number; height: number }): Promise<Buffer>;
}

/** A headless Chromium driven over the DevTools protocol; see {@link withChromium}. */
export interface CdpBrowser {
  /** Sends a browser-level DevTools command. */
  send(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<Record<string, unknown>>;
  /** Calls `listener` for every event. */
  on(listener: (event: CdpEvent) => void): void;
  /** Rejects when the browser process exits or cannot start (never resolves). */
  readonly exited: Promise<never>;
  /** Opens a blank tab and attaches to it. */
  openPage(): Promise<CdpPage>;
}

/** Options of {@link withChromium}. */
export interface ChromiumOptions {
  /** The browser executable, e.g. from `findChromium()`. */
  readonly executablePath: string;
  /** Command-line flags added to the common headless ones (window size, `--hide-scrollbars`, …). */
  readonly args?: readonly string[];
  /** Prefix of the temporary profile folder (removed afterwards). @default 'vw-chromium-' */
  readonly profilePrefix?: string;
  /** Kill the browser and reject after this long. */
  readonly timeoutMs: number;
  /** The error to reject with on timeout. @default a plain Error naming the time limit */
  readonly timeoutError?: () => Error;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

const HEADLESS_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-dev-shm-usage',
];

/**
 * Runs `work` against a headless Chromium with a fresh temporary profile, talking the DevTools
 * protocol over `--remote-debugging-pipe` (NUL-delimited JSON on fds 3 and 4: no port, no WebSocket
 * client, no npm package). Whatever happens — success, error, timeout — the browser is killed and
 * the profile removed. Errors of `work` (protocol errors, browser exit) propagate unchanged.
 *
 * @example
 * const title = await withChromium({ executablePath: findChromium()!, timeoutMs: 30_000 }, async (browser) => {
 *   const page = await browser.openPage();
 *   await page.send('Page.navigate', { url: 'file:///tmp/report.html' });
 *   return page.evaluate<string>('document.title');
 * });
 */
export async function withChromium<T>(options: ChromiumOptions, work: (browser: CdpBrowser) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), options.profilePrefix ?? 'vw-chromium-'));
  const child = spawn(
    options.executablePath,
    [...HEADLESS_ARGS, ...(options.args ?? []), `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  // A browser that exits or is killed resets its pipes: that must not become an uncaught 'error'.
  for (const stream of [toBrowser, fromBrowser, child.stderr]) stream?.on('error', () => undefined);
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: Array<(e: CdpEvent) => void> = [];
  let nextId = 1;
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      let msg: CdpMessage;
      try {
        msg = JSON.parse(text) as CdpMessage;
      } catch {
        // A garbled message must not become an uncaught exception; the timeout ends the session.
        continue;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (p) {
        pending.delete(msg.id!);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result ?? {});
      } else if (msg.method) {
        const event: CdpEvent = { method: msg.method, params: msg.params ?? {}, ...(msg.sessionId ? { sessionId: msg.sessionId } : {}) };
        for (const l of listeners) l(event);
      }
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', (e) => reject(e));
    child.on('exit', (code) => reject(new Error(`chromium exited (code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  exited.catch(() => undefined);
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const result = new Promise<Record<string, unknown>>((res, rej) => pending.set(id, { resolve: res, reject: rej }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([result, exited]);
  };
  const on = (listener: (e: CdpEvent) => void): void => void listeners.push(listener);
  const openPage = async (): Promise<CdpPage> => {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const pageSend = (method: string, params: Record<string, unknown> = {}) => send(method, params, sessionId);
    return {
      sessionId,
      send: pageSend,
      on: (listener) => on((e) => e.sessionId === sessionId && listener(e.method, e.params)),
      next: (method) =>
        Promise.race([
          new Promise<Record<string, unknown>>((res) => on((e) => e.sessionId === sessionId && e.method === method && res(e.params))),
          exited,
        ]),
      evaluate: async <V>(expression: string): Promise<V> => {
        const r = (await pageSend('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
          result: { value?: V };
          exceptionDetails?: { exception?: { description?: string }; text?: string };
        };
        if (r.exceptionDetails)
          throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? 'evaluation failed');
        return r.result.value as V;
      },
      screenshot: async (clip) => {
        const shot = (await pageSend('Page.captureScreenshot', {
          format: 'png',
          captureBeyondViewport: true,
          ...(clip ? { clip: { ...clip, scale: 1 } } : {}),
        })) as { data: string };
        return Buffer.from(shot.data, 'base64');
      },
    };
  };
  const browser: CdpBrowser = { send, on, exited, openPage };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      (async () => {
        const out = await work(browser);
        await send('Browser.close').catch(() => undefined);
        return out;
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(options.timeoutError?.() ?? new Error(`Chromium did not finish within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(profile, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Collects what a page reports as broken — `console.error`/`console.assert`, uncaught exceptions,
 * error log entries, failed loads — into `errors`, and each request URL through `onRequest`.
 * Call before enabling the Runtime, Log and Network domains.
 */
export function watchPage(page: CdpPage, errors: string[], onRequest?: (url: string) => void): void {
  page.on((method, p) => {
    if (method === 'Runtime.consoleAPICalled' && (p['type'] === 'error' || p['type'] === 'assert')) {
      const args = (p['args'] as Array<{ value?: unknown; description?: string }> | undefined) ?? [];
      errors.push(`console.${String(p['type'])}: ${args.map((a) => String(a.value ?? a.description ?? '')).join(' ')}`);
    } else if (method === 'Runtime.exceptionThrown') {
      const d = p['exceptionDetails'] as { text?: string; exception?: { description?: string } };
      errors.push(`exception: ${d.exception?.description ?? d.text ?? 'unknown'}`);
    } else if (method === 'Log.entryAdded') {
      const e = p['entry'] as { level?: string; text?: string; url?: string };
      if (e.level === 'error') errors.push(`log: ${e.text ?? ''}${e.url ? ` (${e.url})` : ''}`);
    } else if (method === 'Network.requestWillBeSent') {
      onRequest?.((p['request'] as { url?: string }).url ?? '');
    } else if (method === 'Network.loadingFailed') {
      errors.push(`failed load: ${String(p['errorText'] ?? '')}`);
    }
  });
}
