import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

/** One chart of a report as a PNG. */
export interface ChartImage {
  /** The chart's element id (`chart-…`). */
  id: string;
  /** Its title (`aria-label`). */
  title: string;
  png: Uint8Array;
}

interface CdpMessage {
  id?: number;
  method?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Screenshots every `svg.chart` of an HTML report in headless Chromium, talking the DevTools
 * protocol over a pipe (no port, no npm package). Rejects after `timeoutMs`, killing the browser.
 */
export async function screenshotCharts(
  htmlPath: string,
  executablePath: string,
  options: { timeoutMs: number; width?: number; maxCharts?: number },
): Promise<ChartImage[]> {
  const width = options.width ?? 1000;
  const profile = await mkdtemp(join(tmpdir(), 'vw-tb-chromium-'));
  const child = spawn(
    executablePath,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  // A browser that exits or is killed resets its pipes: that must not become an uncaught 'error'.
  for (const stream of [toBrowser, fromBrowser, child.stderr]) stream?.on('error', () => undefined);
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const events: Array<(m: CdpMessage) => void> = [];
  let nextId = 1;
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      let msg: CdpMessage;
      try {
        msg = JSON.parse(buffer.slice(0, end)) as CdpMessage;
      } catch {
        // A garbled message must not become an uncaught exception; the timeout ends the session.
        continue;
      } finally {
        buffer = buffer.slice(end + 1);
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (p) {
        pending.delete(msg.id!);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result ?? {});
      } else for (const l of events) l(msg);
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', (e) => reject(e));
    child.on('exit', (code) => reject(new Error(`chromium exited (code ${code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`)));
  });
  exited.catch(() => undefined);
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) => {
    const id = nextId++;
    const result = new Promise<Record<string, unknown>>((res, rej) => pending.set(id, { resolve: res, reject: rej }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return Promise.race([result, exited]);
  };
  const work = async (): Promise<ChartImage[]> => {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const loaded = new Promise<void>((res) => events.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && res()));
    await send('Page.enable', {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    await send('Page.navigate', { url: pathToFileURL(resolve(htmlPath)).href }, sessionId);
    await Promise.race([loaded, exited]);
    const probe = `(() => ({
      height: Math.ceil(document.documentElement.scrollHeight),
      charts: Array.from(document.querySelectorAll('svg.chart')).map((s) => {
        const r = s.getBoundingClientRect();
        return { id: s.id, title: s.getAttribute('aria-label') || s.id, x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
      }),
    }))()`;
    const seen = (
      (await send('Runtime.evaluate', { expression: probe, returnByValue: true }, sessionId)) as {
        result: {
          value: { height: number; charts: Array<{ id: string; title: string; x: number; y: number; width: number; height: number }> };
        };
      }
    ).result.value;
    const charts = seen.charts.filter((c) => c.width > 0 && c.height > 0).slice(0, options.maxCharts ?? Infinity);
    const out: ChartImage[] = [];
    for (const c of charts) {
      const shot = (await send(
        'Page.captureScreenshot',
        { format: 'png', captureBeyondViewport: true, clip: { x: c.x, y: c.y, width: c.width, height: c.height, scale: 1 } },
        sessionId,
      )) as { data: string };
      out.push({ id: c.id, title: c.title, png: new Uint8Array(Buffer.from(shot.data, 'base64')) });
    }
    await send('Browser.close').catch(() => undefined);
    return out;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Chromium did not finish within ${options.timeoutMs} ms`)), options.timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(profile, { recursive: true, force: true }).catch(() => undefined);
  }
}
