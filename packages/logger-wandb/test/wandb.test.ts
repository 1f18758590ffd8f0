import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, z } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import {
  findApiKey,
  netrcPassword,
  queuedRunClient,
  readQueue,
  resolveSettings,
  syncRun,
  wandb,
  wandbLogger,
  wandbOptionsSchema,
  wandbRunId,
} from '../src/index.js';

const KEY = 'local-test-key-0123456789abcdef0123456789abcd';

interface Received {
  graphql: Array<{ query: string; variables: Record<string, unknown>; auth: string | undefined }>;
  stream: Array<{ path: string; body: Record<string, unknown>; auth: string | undefined }>;
  uploads: Map<string, Buffer>;
}

/** A stand-in for the W&B API on 127.0.0.1 that records what it receives. */
function fakeWandb(key = KEY): Promise<{ server: Server; url: string; got: Received; reset(): void }> {
  const got: Received = { graphql: [], stream: [], uploads: new Map() };
  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => resolve(Buffer.concat(parts)));
    });
  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      const json = (x: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(x));
      };
      if (req.method === 'POST' && req.url === '/graphql') {
        const { query, variables } = JSON.parse(raw.toString()) as { query: string; variables: Record<string, unknown> };
        got.graphql.push({ query, variables, auth: req.headers.authorization });
        if (req.headers.authorization !== `Basic ${Buffer.from(`api:${key}`).toString('base64')}`) {
          res.writeHead(401);
          res.end('bad key');
          return;
        }
        if (query.includes('upsertBucket')) {
          return json({
            data: {
              upsertBucket: {
                inserted: true,
                bucket: {
                  id: 'b1',
                  name: variables['name'],
                  displayName: variables['displayName'],
                  project: { id: 'p1', name: variables['project'], entity: { id: 'e1', name: variables['entity'] } },
                },
              },
            },
          });
        }
        if (query.includes('viewer')) return json({ data: { viewer: { id: 'u1', entity: 'default-entity' } } });
        if (query.includes('RunUploadUrls')) {
          const files = variables['files'] as string[];
          return json({
            data: {
              model: {
                bucket: {
                  id: 'b1',
                  files: {
                    uploadHeaders: ['X-Upload-Test: yes'],
                    edges: files.map((name) => ({ node: { name, url: `${base}/upload/${name}`, updatedAt: null } })),
                  },
                },
              },
            },
          });
        }
        return json({ errors: [{ message: 'unknown operation' }] });
      }
      if (req.method === 'POST' && req.url?.endsWith('/file_stream')) {
        got.stream.push({ path: req.url, body: JSON.parse(raw.toString()) as Record<string, unknown>, auth: req.headers.authorization });
        return json({ exitcode: null, limits: {} });
      }
      if (req.method === 'PUT' && req.url?.startsWith('/upload/')) {
        if (req.headers['x-upload-test'] !== 'yes') {
          res.writeHead(400);
          res.end('missing upload header');
          return;
        }
        got.uploads.set(decodeURIComponent(req.url.slice('/upload/'.length)), raw);
        res.writeHead(200);
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    })();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ server, url: base, got, reset: () => ((got.graphql = []), (got.stream = []), got.uploads.clear()) });
    });
  });
}

/** A finished run directory and the events a trainer run would emit for it. */
function runFixture(): { runDir: string; events: VoxelwiseEvent[] } {
  const out = mkdtempSync(join(tmpdir(), 'vw-wandb-'));
  const runDir = join(out, 'demo-20260101-000000-abcdef12');
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'report.html'), '<!doctype html><title>report</title><p>r</p>');
  writeFileSync(join(runDir, 'metrics.json'), JSON.stringify({ median_score: 0.25 }));
  writeFileSync(join(runDir, 'config.json'), JSON.stringify({ seed: 3 }));
  const runId = 'demo-20260101-000000-abcdef12';
  const events: VoxelwiseEvent[] = [
    { type: 'run:start', runId, runDir, config: { name: 'demo', seed: 3, features: [{ name: 'lm' }] }, time: Date.now() - 1000 },
    { type: 'stage:end', stage: 'model/ridge-cv', durationMs: 1500 },
    { type: 'metric', name: 'layer/median_score', value: 0.1, step: 0 },
    { type: 'metric', name: 'layer/median_score', value: 0.3, step: 1 },
    { type: 'metric', name: 'median_score', value: 0.25 },
    { type: 'metric', name: 'n_significant', value: 12 },
    {
      type: 'run:end',
      runId,
      runDir,
      durationMs: 1000,
      status: 'ok',
      summary: {
        median_score: 0.25,
        n_significant: 12,
        histograms: { 'r/all': { edges: [-0.5, 0, 0.5], counts: [3, 9] }, 'r/bad': { edges: [0], counts: [1] } },
      },
    },
  ];
  return { runDir, events };
}

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: mkdtempSync(join(tmpdir(), 'vw-home-')), ...extra });
const opts = (o: Record<string, unknown>) => wandbOptionsSchema.parse({ retries: 0, timeoutMs: 2000, ...o });

let fake: Awaited<ReturnType<typeof fakeWandb>>;
beforeAll(async () => {
  fake = await fakeWandb();
});
afterAll(() => new Promise<void>((r) => fake.server.close(() => r())));

describe('wandb logger against a local server', () => {
  it('creates the run, streams history and summary with histograms, uploads the report and completes', async () => {
    fake.reset();
    const { runDir, events } = runFixture();
    const logs: LogEvent[] = [];
    const logger = wandbLogger(
      opts({ project: 'proj', entity: 'team', tags: ['t1'], baseUrl: fake.url }),
      (e) => e.type === 'log' && logs.push(e),
      env({ WANDB_API_KEY: KEY }),
    );
    for (const e of events) logger.handle(e);
    await logger.close!();

    const upsert = fake.got.graphql.find((g) => g.query.includes('upsertBucket'))!;
    expect(upsert.auth).toBe(`Basic ${Buffer.from(`api:${KEY}`).toString('base64')}`);
    expect(upsert.variables).toMatchObject({
      name: wandbRunId('demo-20260101-000000-abcdef12'),
      project: 'proj',
      entity: 'team',
      tags: ['t1'],
    });
    expect(JSON.parse(upsert.variables['config'] as string)).toEqual({
      name: { value: 'demo', desc: null },
      seed: { value: 3, desc: null },
      features: { value: [{ name: 'lm' }], desc: null },
    });

    expect(fake.got.stream).toHaveLength(2);
    expect(fake.got.stream[0]!.path).toBe(`/files/team/proj/${wandbRunId('demo-20260101-000000-abcdef12')}/file_stream`);
    const files = fake.got.stream[0]!.body['files'] as Record<string, { offset: number; content: string[] }>;
    const history = files['wandb-history.jsonl']!.content.map((l) => JSON.parse(l) as Record<string, number>);
    expect(history.map((h) => [h['_step'], h['layer/median_score'] ?? h['median_score']])).toEqual([
      [0, 0.1],
      [1, 0.3],
      [2, 0.25],
    ]);
    const summary = JSON.parse(files['wandb-summary.json']!.content[0]!) as Record<string, unknown>;
    expect(summary['median_score']).toBe(0.25);
    expect(summary['n_significant']).toBe(12);
    expect(summary['time/model/ridge-cv']).toBe(1.5);
    expect(summary['r/all']).toEqual({ _type: 'histogram', bins: [-0.5, 0, 0.5], values: [3, 9] });
    expect(summary['r/bad']).toBeUndefined();
    expect(fake.got.stream[1]!.body).toEqual({ complete: true, exitcode: 0 });

    expect(fake.got.uploads.get('report.html')?.toString()).toBe(readFileSync(join(runDir, 'report.html'), 'utf8'));
    expect(fake.got.uploads.get('metrics.json')?.toString()).toBe(readFileSync(join(runDir, 'metrics.json'), 'utf8'));
    expect(fake.got.uploads.has('run.json')).toBe(false); // not in the fixture: skipped, not an error
    const synced = JSON.parse(readFileSync(join(runDir, 'wandb', 'synced.json'), 'utf8')) as { url: string };
    expect(synced.url).toBe(`${fake.url}/team/proj/runs/${wandbRunId('demo-20260101-000000-abcdef12')}`);
    expect(logs.map((l) => l.level)).toEqual(['info']);
  });

  it('asks the server for the default entity when none is set', async () => {
    fake.reset();
    const { events } = runFixture();
    const logger = wandbLogger(opts({ baseUrl: fake.url }), () => undefined, env({ WANDB_API_KEY: KEY }));
    for (const e of events) logger.handle(e);
    await logger.close!();
    expect(fake.got.graphql[0]!.query).toContain('viewer');
    expect(fake.got.stream[0]!.path).toContain('/files/default-entity/voxelwise/');
  });

  it('reads the API key from ~/.netrc for the server host', async () => {
    fake.reset();
    const home = mkdtempSync(join(tmpdir(), 'vw-home-'));
    writeFileSync(
      join(home, '.netrc'),
      `machine other.host\n  login user\n  password nope\nmachine ${new URL(fake.url).host}\n  login user\n  password ${KEY}\n`,
    );
    expect(findApiKey(fake.url, { HOME: home })).toEqual({ key: KEY, source: 'netrc' });
    const { events } = runFixture();
    const logger = wandbLogger(opts({ baseUrl: fake.url, entity: 'e' }), () => undefined, { HOME: home });
    for (const e of events) logger.handle(e);
    await logger.close!();
    expect(fake.got.stream.at(-1)!.body).toEqual({ complete: true, exitcode: 0 });
  });

  it('queues to disk when W&B is unreachable, keeps the results, and syncs later', async () => {
    fake.reset();
    const closed = createServer();
    const port = await new Promise<number>((r) => closed.listen(0, '127.0.0.1', () => r((closed.address() as AddressInfo).port)));
    await new Promise<void>((r) => closed.close(() => r()));
    const { runDir, events } = runFixture();
    const before = readFileSync(join(runDir, 'report.html'));
    const logs: LogEvent[] = [];
    const logger = wandbLogger(
      opts({ baseUrl: `http://127.0.0.1:${port}`, entity: 'team', project: 'proj', retries: 1 }),
      (e) => e.type === 'log' && logs.push(e),
      env({ WANDB_API_KEY: KEY }),
    );
    for (const e of events) logger.handle(e);
    await expect(logger.close!()).resolves.toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]!.level).toBe('warn');
    expect(logs[0]!.message).toContain('cannot reach');
    expect(logs[0]!.message).toContain('voxelwise wandb sync');
    expect(readFileSync(join(runDir, 'report.html'))).toEqual(before);
    const queued = await readQueue(runDir);
    expect(queued?.reason).toContain('upload failed');
    expect(queued?.summary['median_score']).toBe(0.25);

    const url = await syncRun(runDir, { baseUrl: fake.url, apiKey: KEY, timeoutMs: 2000, retries: 0 });
    expect(url).toContain('/team/proj/runs/');
    expect(fake.got.uploads.get('report.html')).toEqual(before);
    expect(fake.got.stream.at(-1)!.body).toEqual({ complete: true, exitcode: 0 });
    expect(existsSync(join(runDir, 'wandb', 'pending.json'))).toBe(false);
    expect(existsSync(join(runDir, 'wandb', 'synced.json'))).toBe(true);
    expect(await syncRun(runDir, { baseUrl: fake.url, apiKey: KEY, timeoutMs: 2000, retries: 0 })).toBeUndefined();
  });

  it("syncs each queued run to the server recorded with it, with that host's key; --base-url overrides", async () => {
    fake.reset();
    const KEY2 = 'other-test-key-0123456789abcdef0123456789abcd';
    const other = await fakeWandb(KEY2);
    try {
      const home = mkdtempSync(join(tmpdir(), 'vw-home-'));
      writeFileSync(
        join(home, '.netrc'),
        `machine ${new URL(fake.url).host}\n  login user\n  password ${KEY}\nmachine ${new URL(other.url).host}\n  login user\n  password ${KEY2}\n`,
      );
      const queued: string[] = [];
      for (const baseUrl of [fake.url, other.url]) {
        const { runDir, events } = runFixture();
        const logger = wandbLogger(opts({ baseUrl, entity: 'team', mode: 'offline' }), () => undefined, { HOME: home });
        for (const e of events) logger.handle(e);
        await logger.close!();
        expect((await readQueue(runDir))?.baseUrl).toBe(baseUrl);
        queued.push(runDir);
      }
      // At sync time the environment names neither server: each run goes where it was queued for.
      const syncEnv = { HOME: home, WANDB_BASE_URL: 'http://127.0.0.1:9' };
      const urls: string[] = [];
      for (const dir of queued) {
        const url = await syncRun(dir, (run) => {
          const target = queuedRunClient(run, { timeoutMs: 2000, retries: 0 }, syncEnv);
          if (!target.client) throw new Error(`no key for ${target.baseUrl}`);
          return target.client;
        });
        urls.push(url!);
      }
      expect(urls[0]!.startsWith(`${fake.url}/team/`)).toBe(true);
      expect(urls[1]!.startsWith(`${other.url}/team/`)).toBe(true);
      expect(fake.got.stream.map((s) => s.body['complete'])).toContain(true);
      expect(other.got.stream.map((s) => s.body['complete'])).toContain(true);
      expect(fake.got.graphql.every((g) => g.auth === `Basic ${Buffer.from(`api:${KEY}`).toString('base64')}`)).toBe(true);
      expect(other.got.graphql.every((g) => g.auth === `Basic ${Buffer.from(`api:${KEY2}`).toString('base64')}`)).toBe(true);
      expect(fake.got.graphql.filter((g) => g.query.includes('upsertBucket'))).toHaveLength(1);
      expect(other.got.graphql.filter((g) => g.query.includes('upsertBucket'))).toHaveLength(1);

      // An explicit server wins over the recorded one; a queue without one falls back to the environment.
      expect(queuedRunClient({ baseUrl: other.url }, { baseUrl: fake.url, timeoutMs: 1, retries: 0 }, { HOME: home }).client?.apiKey).toBe(
        KEY,
      );
      expect(queuedRunClient({}, { timeoutMs: 1, retries: 0 }, { HOME: home, WANDB_BASE_URL: other.url }).baseUrl).toBe(other.url);
      expect(queuedRunClient({}, { timeoutMs: 1, retries: 0 }, { HOME: home }).baseUrl).toBe('https://api.wandb.ai');
    } finally {
      await new Promise<void>((r) => other.server.close(() => r()));
    }
  });

  it('queues on a rejected key without retrying, naming the fix', async () => {
    fake.reset();
    const { runDir, events } = runFixture();
    const logs: LogEvent[] = [];
    const logger = wandbLogger(
      opts({ baseUrl: fake.url, entity: 'e', retries: 3 }),
      (e) => e.type === 'log' && logs.push(e),
      env({ WANDB_API_KEY: 'wrong' }),
    );
    for (const e of events) logger.handle(e);
    await logger.close!();
    expect(fake.got.graphql).toHaveLength(1);
    expect(logs[0]!.message).toContain('HTTP 401');
    expect((await readQueue(runDir))?.wandbId).toBe(wandbRunId('demo-20260101-000000-abcdef12'));
  });

  it('offline mode only queues; no key queues too; disabled does nothing', async () => {
    fake.reset();
    const a = runFixture();
    const offline = wandbLogger(opts({ baseUrl: fake.url, mode: 'offline' }), () => undefined, env({ WANDB_API_KEY: KEY }));
    for (const e of a.events) offline.handle(e);
    await offline.close!();
    expect((await readQueue(a.runDir))?.reason).toBe('offline mode');

    const b = runFixture();
    const logs: LogEvent[] = [];
    const nokey = wandbLogger(opts({ baseUrl: fake.url }), (e) => e.type === 'log' && logs.push(e), env());
    for (const e of b.events) nokey.handle(e);
    await nokey.close!();
    expect(logs[0]!.message).toContain('no API key');
    expect((await readQueue(b.runDir))?.reason).toContain('no API key');

    const c = runFixture();
    const off = wandbLogger(opts({ baseUrl: fake.url }), () => undefined, env({ WANDB_API_KEY: KEY, WANDB_MODE: 'disabled' }));
    for (const e of c.events) off.handle(e);
    await off.close!();
    expect(existsSync(join(c.runDir, 'wandb'))).toBe(false);
    expect(fake.got.graphql).toHaveLength(0);
  });

  it('logs a failed run online with its exit code and queues nothing', async () => {
    fake.reset();
    const { runDir, events } = runFixture();
    const failed = events.map((e) =>
      e.type === 'run:end' ? { ...e, status: 'failed' as const, runDir: undefined as unknown as string } : e,
    );
    const logger = wandbLogger(opts({ baseUrl: fake.url, entity: 'e' }), () => undefined, env({ WANDB_API_KEY: KEY }));
    for (const e of failed) logger.handle(e);
    await logger.close!();
    expect(fake.got.stream.at(-1)!.body).toEqual({ complete: true, exitcode: 1 });
    expect(fake.got.uploads.size).toBe(0);
    expect(existsSync(join(runDir, 'wandb'))).toBe(false);
  });
});

describe('wandb settings and plugin', () => {
  it('combines options with WANDB_* variables, options first', () => {
    expect(resolveSettings({}, { WANDB_PROJECT: 'p', WANDB_ENTITY: 'e', WANDB_MODE: 'dryrun', WANDB_BASE_URL: 'http://x' })).toEqual({
      project: 'p',
      entity: 'e',
      mode: 'offline',
      baseUrl: 'http://x',
    });
    expect(resolveSettings({ project: 'mine', mode: 'online' }, { WANDB_PROJECT: 'p', WANDB_MODE: 'offline' })).toMatchObject({
      project: 'mine',
      mode: 'online',
      baseUrl: 'https://api.wandb.ai',
    });
  });

  it('parses netrc with comments, one-line entries and a default', () => {
    expect(netrcPassword('# c\nmachine a login x password pa\nmachine b\n password pb # note\ndefault login y password pd', 'b')).toBe(
      'pb',
    );
    expect(netrcPassword('machine a login x password pa\ndefault password pd', 'zzz')).toBe('pd');
    expect(netrcPassword('machine a password pa', 'b')).toBeUndefined();
  });

  it('registers as the "wandb" logger and rejects unknown options', () => {
    const registry = createRegistry().use(wandb());
    expect(registry.names('logger')).toEqual(['wandb']);
    expect(() => registry.resolveOptions('logger', { name: 'wandb', options: { projekt: 'x' } })).toThrow(/projekt/);
    expect(z.safeParse(wandbOptionsSchema, { baseUrl: 'not a url' }).success).toBe(false);
  });

  it('derives W&B-safe run ids', () => {
    expect(wandbRunId('demo-20260101-000000-abcdef12')).toBe('demo-20260101-000000-abcdef12');
    expect(wandbRunId('a b/c')).toBe('a-b-c');
    expect(wandbRunId('x'.repeat(80))).toHaveLength(64);
  });
});
