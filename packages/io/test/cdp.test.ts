import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchPage, withChromium } from '../src/index.js';

/**
 * A stand-in for Chromium's `--remote-debugging-pipe` end (reads fd 3, writes fd 4, NUL-delimited
 * JSON), so the driver's framing, events, errors, timeout and clean-up are tested without a browser.
 */
const FAKE = `
const fs = require('node:fs');
const out = fs.createWriteStream('', { fd: 4 });
const profile = process.argv.find((a) => a.startsWith('--user-data-dir=')).slice('--user-data-dir='.length);
const write = (m) => out.write(JSON.stringify(m) + '\\0');
let buffer = '';
fs.createReadStream('', { fd: 3 }).on('data', (chunk) => {
  buffer += chunk.toString('utf8');
  let end;
  while ((end = buffer.indexOf('\\0')) >= 0) {
    const { id, method, params, sessionId } = JSON.parse(buffer.slice(0, end));
    buffer = buffer.slice(end + 1);
    if (method === 'Target.createTarget') write({ id, result: { targetId: 't1' } });
    else if (method === 'Target.attachToTarget') write({ id, result: { sessionId: 's1' } });
    else if (method === 'Runtime.enable') {
      out.write('{garbled\\0');
      write({ method: 'Runtime.consoleAPICalled', sessionId: 'other', params: { type: 'error', args: [{ value: 'not mine' }] } });
      write({ method: 'Runtime.consoleAPICalled', sessionId, params: { type: 'error', args: [{ value: 'boom' }, { description: 'x' }] } });
      write({ method: 'Network.requestWillBeSent', sessionId, params: { request: { url: 'https://example.org/a.js' } } });
      write({ id, result: {} });
    } else if (method === 'Runtime.evaluate' && params.expression === 'throw') {
      write({ id, result: { result: {}, exceptionDetails: { text: 'Uncaught', exception: { description: 'Error: thrown in page' } } } });
    } else if (method === 'Runtime.evaluate') write({ id, result: { result: { value: { length: params.expression.length, sessionId } } } });
    else if (method === 'Page.captureScreenshot') write({ id, result: { data: Buffer.from('png' + JSON.stringify(params.clip ?? null)).toString('base64') } });
    else if (method === 'Fake.profile') write({ id, result: { profile } });
    else if (method === 'Fake.exit') process.exit(3);
    else if (method === 'Fake.hang') {}
    else if (method === 'Browser.close') process.exit(0);
    else write({ id, error: { message: 'unknown method ' + method } });
  }
});
`;

function fakeChromium(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vw-io-cdp-'));
  const exe = join(dir, 'chromium');
  writeFileSync(exe, `#!${process.execPath}\n${FAKE}`);
  chmodSync(exe, 0o755);
  return exe;
}

describe('withChromium', () => {
  const executablePath = fakeChromium();

  it('frames commands and events over the pipe, collects page errors and removes the profile', async () => {
    const seen = await withChromium({ executablePath, timeoutMs: 20_000 }, async (browser) => {
      const page = await browser.openPage();
      const errors: string[] = [];
      const requests: string[] = [];
      watchPage(page, errors, (url) => requests.push(url));
      await page.send('Runtime.enable');
      const value = await page.evaluate<{ length: number; sessionId: string }>('1 + 1');
      const thrown = await page.evaluate('throw').catch((e: Error) => e.message);
      const unknown = await page.send('No.such').catch((e: Error) => e.message);
      const shot = await page.screenshot({ x: 1, y: 2, width: 3, height: 4 });
      const { profile } = (await browser.send('Fake.profile')) as { profile: string };
      return { errors, requests, value, thrown, unknown, shot: shot.toString('utf8'), profile, existed: existsSync(profile) };
    });
    expect(seen.errors).toEqual(['console.error: boom x']);
    expect(seen.requests).toEqual(['https://example.org/a.js']);
    expect(seen.value).toEqual({ length: 5, sessionId: 's1' });
    expect(seen.thrown).toBe('Error: thrown in page');
    expect(seen.unknown).toBe('unknown method No.such');
    expect(seen.shot).toBe('png{"x":1,"y":2,"width":3,"height":4,"scale":1}');
    expect(seen.existed).toBe(true);
    expect(existsSync(seen.profile)).toBe(false);
  });

  it('rejects with the exit code when the browser dies, and cleans up', async () => {
    let profile = '';
    const error = await withChromium({ executablePath, timeoutMs: 20_000 }, async (browser) => {
      profile = ((await browser.send('Fake.profile')) as { profile: string }).profile;
      await browser.send('Fake.exit');
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/chromium exited \(code 3\)/);
    expect(existsSync(profile)).toBe(false);
  });

  it('rejects with the given error when the browser does not answer in time, and cleans up', async () => {
    let profile = '';
    const error = await withChromium({ executablePath, timeoutMs: 2000, timeoutError: () => new Error('too slow') }, async (browser) => {
      profile = ((await browser.send('Fake.profile')) as { profile: string }).profile;
      await browser.send('Fake.hang');
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe('too slow');
    expect(existsSync(profile)).toBe(false);
  });

  it('rejects when the executable cannot start', async () => {
    const error = await withChromium({ executablePath: join(tmpdir(), 'vw-no-such-chromium'), timeoutMs: 20_000 }, (browser) =>
      browser.openPage(),
    ).catch((e: Error) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
