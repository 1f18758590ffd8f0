import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { voxelwiseError } from '@voxelwise/core';
import { CHROMIUM_PATHS, findChromium } from '@voxelwise/io';

/** Options of {@link inspectReport}. */
export interface InspectOptions {
  /** @default findChromium() */
  executablePath?: string;
  /** Write a full-page PNG here. */
  screenshotPath?: string;
  /** Viewport width in CSS pixels. @default 1280 */
  width?: number;
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /**
   * A JavaScript expression evaluated in the page after the probe (awaited when it is a promise);
   * its JSON value comes back as `evaluated`. Tests use it to read pixels of the brain maps.
   */
  evaluate?: string;
}

/** What a headless browser saw of a report. */
export interface InspectResult {
  /** Console errors, uncaught exceptions and failed loads. */
  errors: string[];
  /** Requests the page made to anything but its own file (must be none: the report is self-contained). */
  requests: string[];
  /** Whether the report's script ran to the end (`<html data-ready="true">`). */
  ready: boolean;
  /** Each `svg.chart` by id with its rendered size and number of drawn marks. */
  charts: Array<{ id: string; width: number; height: number; marks: number }>;
  /** Page height in CSS pixels. */
  pageHeight: number;
  /** Where the screenshot went. */
  screenshotPath?: string;
  /** The value of {@link InspectOptions.evaluate}. */
  evaluated?: unknown;
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Opens a report in headless Chromium over the DevTools protocol (through a pipe, so no port and
 * no extra npm package), and returns what rendered: console errors, network requests, chart sizes;
 * optionally saves a full-page screenshot.
 *
 * @example
 * const seen = await inspectReport('results/demo-…/report.html', { screenshotPath: 'report.png' });
 */
export async function inspectReport(htmlPath: string, options: InspectOptions = {}): Promise<InspectResult> {
  const exe = options.executablePath ?? findChromium();
  if (!exe) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'trainer:browser',
      message: 'no Chromium executable found',
      expected: CHROMIUM_PATHS,
      hint: 'Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
    });
  }
  const width = options.width ?? 1280;
  const profile = await mkdtemp(join(tmpdir(), 'vw-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--remote-debugging-pipe',
    `--window-size=${width},900`,
    'about:blank',
  ];
  const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners: Array<(m: CdpMessage) => void> = [];
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as CdpMessage;
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const p = pending.get(msg.id)!;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result ?? {});
      } else {
        for (const l of listeners) l(msg);
      }
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`chromium exited (code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`))),
  );
  exited.catch(() => undefined);
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const result = new Promise<Record<string, unknown>>((res, rej) => pending.set(id, { resolve: res, reject: rej }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([result, exited]);
  };
  const timeout = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const work = async (): Promise<InspectResult> => {
    const errors: string[] = [];
    const requests: string[] = [];
    const fileUrl = pathToFileURL(resolve(htmlPath)).href;
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    let loaded: () => void = () => undefined;
    const loadedP = new Promise<void>((r) => (loaded = r));
    listeners.push((m) => {
      if (m.sessionId !== sessionId || !m.method) return;
      const p = m.params ?? {};
      if (m.method === 'Runtime.consoleAPICalled' && (p['type'] === 'error' || p['type'] === 'assert')) {
        errors.push(
          `console.${String(p['type'])}: ${((p['args'] as Array<{ value?: unknown; description?: string }>) ?? []).map((a) => String(a.value ?? a.description ?? '')).join(' ')}`,
        );
      } else if (m.method === 'Runtime.exceptionThrown') {
        const d = p['exceptionDetails'] as { text?: string; exception?: { description?: string } };
        errors.push(`exception: ${d.exception?.description ?? d.text ?? 'unknown'}`);
      } else if (m.method === 'Log.entryAdded') {
        const e = p['entry'] as { level?: string; text?: string; url?: string };
        if (e.level === 'error') errors.push(`log: ${e.text ?? ''}${e.url ? ` (${e.url})` : ''}`);
      } else if (m.method === 'Network.requestWillBeSent') {
        const url = (p['request'] as { url?: string }).url ?? '';
        if (url !== fileUrl && !url.startsWith('data:') && url !== 'about:blank') requests.push(url);
      } else if (m.method === 'Network.loadingFailed') {
        errors.push(`failed load: ${String(p['errorText'] ?? '')}`);
      } else if (m.method === 'Page.loadEventFired') {
        loaded();
      }
    });
    for (const method of ['Runtime.enable', 'Log.enable', 'Page.enable', 'Network.enable']) await send(method, {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    await send('Page.navigate', { url: fileUrl }, sessionId);
    await loadedP;
    const probe = `(() => {
      const charts = Array.from(document.querySelectorAll('svg.chart')).map((s) => {
        const r = s.getBoundingClientRect();
        return { id: s.id, width: r.width, height: r.height, marks: s.querySelectorAll('rect.bar, polyline, circle.point').length };
      });
      return { ready: document.documentElement.getAttribute('data-ready') === 'true', charts, pageHeight: Math.ceil(document.documentElement.scrollHeight) };
    })()`;
    const evaluated = (await send('Runtime.evaluate', { expression: probe, returnByValue: true }, sessionId)) as {
      result: { value: { ready: boolean; charts: InspectResult['charts']; pageHeight: number } };
    };
    const seen = evaluated.result.value;
    const out: InspectResult = { errors, requests, ready: seen.ready, charts: seen.charts, pageHeight: seen.pageHeight };
    if (options.evaluate) {
      const extra = (await send(
        'Runtime.evaluate',
        { expression: options.evaluate, returnByValue: true, awaitPromise: true },
        sessionId,
      )) as {
        result: { value?: unknown };
        exceptionDetails?: { text?: string; exception?: { description?: string } };
      };
      if (extra.exceptionDetails)
        errors.push(`evaluate: ${extra.exceptionDetails.exception?.description ?? extra.exceptionDetails.text ?? 'failed'}`);
      else out.evaluated = extra.result.value;
    }
    if (options.screenshotPath) {
      await send(
        'Emulation.setDeviceMetricsOverride',
        { width, height: Math.min(16000, Math.max(900, seen.pageHeight)), deviceScaleFactor: 1, mobile: false },
        sessionId,
      );
      const shot = (await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true }, sessionId)) as { data: string };
      await writeFile(options.screenshotPath, Buffer.from(shot.data, 'base64'));
      out.screenshotPath = resolve(options.screenshotPath);
    }
    await send('Browser.close').catch(() => undefined);
    return out;
  };
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              voxelwiseError({
                code: 'E_IO',
                where: 'trainer:browser',
                message: `Chromium did not render ${htmlPath} within ${timeout} ms`,
              }),
            ),
          timeout,
        );
      }),
    ]);
  } catch (error) {
    if (error instanceof Error && !('code' in error)) {
      throw voxelwiseError({
        code: 'E_IO',
        where: 'trainer:browser',
        message: `headless Chromium failed on ${htmlPath}: ${error.message}`,
        cause: error,
      });
    }
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(profile, { recursive: true, force: true }).catch(() => undefined);
  }
}
