import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/** A minimal W&B API on 127.0.0.1 that accepts one key and records the runs it is sent. */
async function fakeWandb(key: string): Promise<{ server: Server; url: string; runs: string[]; auths: Set<string> }> {
  const runs: string[] = [];
  const auths = new Set<string>();
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      auths.add(req.headers.authorization ?? '');
      if (req.headers.authorization !== `Basic ${Buffer.from(`api:${key}`).toString('base64')}`) {
        res.writeHead(401);
        res.end('bad key');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url === '/graphql') {
        const { variables } = JSON.parse(Buffer.concat(parts).toString()) as { variables: Record<string, string> };
        runs.push(variables['name']!);
        const project = { id: 'p', name: variables['project'], entity: { id: 'e', name: variables['entity'] } };
        res.end(JSON.stringify({ data: { upsertBucket: { inserted: true, bucket: { id: 'b', name: variables['name'], project } } } }));
      } else res.end(JSON.stringify({ exitcode: null, limits: {} }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, runs, auths };
}

const dir = mkdtempSync(join(tmpdir(), 'vw-cli-wandb-'));
const saved = { ...process.env };
let a: Awaited<ReturnType<typeof fakeWandb>>;
let b: Awaited<ReturnType<typeof fakeWandb>>;
beforeAll(async () => {
  a = await fakeWandb('key-of-server-a-0123456789abcdef0123456789ab');
  b = await fakeWandb('key-of-server-b-0123456789abcdef0123456789ab');
  delete process.env['WANDB_API_KEY'];
  delete process.env['WANDB_BASE_URL'];
  process.env['NETRC'] = join(dir, 'netrc');
  writeFileSync(
    process.env['NETRC'],
    `machine ${new URL(a.url).host} login u password key-of-server-a-0123456789abcdef0123456789ab\n` +
      `machine ${new URL(b.url).host} login u password key-of-server-b-0123456789abcdef0123456789ab\n`,
  );
});
afterAll(async () => {
  process.env = saved;
  await Promise.all([a, b].map((f) => new Promise<void>((r) => f.server.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});

/** A run directory whose W&B queue names `baseUrl` (what the logger writes in offline mode). */
function queued(results: string, id: string, baseUrl?: string): string {
  const runDir = join(results, id);
  mkdirSync(join(runDir, 'wandb'), { recursive: true });
  const run = {
    version: 1,
    runId: id,
    wandbId: id,
    project: 'proj',
    entity: 'team',
    ...(baseUrl ? { baseUrl } : {}),
    displayName: id,
    tags: [],
    config: {},
    history: [],
    summary: {},
    files: [],
    exitcode: 0,
  };
  writeFileSync(join(runDir, 'wandb', 'pending.json'), JSON.stringify(run));
  return runDir;
}

describe('voxelwise wandb sync', () => {
  it('sends each queued run to the server recorded with it, with that host’s key', async () => {
    const results = join(dir, 'results');
    queued(results, 'run-for-a', a.url);
    queued(results, 'run-for-b', b.url);
    const r = await runCli(['wandb', 'sync', results]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(a.runs).toEqual(['run-for-a']);
    expect(b.runs).toEqual(['run-for-b']);
    expect(r.out).toContain(`${a.url}/team/proj/runs/run-for-a`);
    expect(r.out).toContain(`${b.url}/team/proj/runs/run-for-b`);
    expect(existsSync(join(results, 'run-for-a', 'wandb', 'synced.json'))).toBe(true);
  });

  it('--base-url given explicitly overrides the recorded server', async () => {
    a.runs.length = 0;
    b.runs.length = 0;
    const results = join(dir, 'override');
    queued(results, 'run-moved', a.url);
    const r = await runCli(['wandb', 'sync', results, '--base-url', b.url]);
    expect(r.code).toBe(0);
    expect(a.runs).toEqual([]);
    expect(b.runs).toEqual(['run-moved']);
  });

  it('refuses before sending anything when the key of a run’s server is missing, naming the host', async () => {
    a.runs.length = 0;
    const results = join(dir, 'no-key');
    queued(results, 'run-ok', a.url);
    queued(results, 'run-elsewhere', 'http://wandb.invalid.example:8080');
    const r = await runCli(['wandb', 'sync', results]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('E_CONFIG_INVALID');
    expect(r.err).toContain('wandb.invalid.example:8080');
    expect(a.runs).toEqual([]);
  });
});
