import { voxelwiseError } from '@voxelwise/core';

/** How the client reaches W&B. */
export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  /** Replaceable for tests. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A W&B run as the server knows it. */
export interface RemoteRun {
  /** Run id (the `name` of the bucket). */
  id: string;
  entity: string;
  project: string;
  displayName?: string;
}

// The mutation and queries the official clients send (wandb/wandb internal_api.py; @wandb/sdk internal/api.js).
const UPSERT_BUCKET = `mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $config: JSONString, $host: String, $program: String, $jobType: String, $tags: [String!], $summaryMetrics: JSONString) {
  upsertBucket(input: { id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity, description: $description, displayName: $displayName, notes: $notes, config: $config, host: $host, jobProgram: $program, jobType: $jobType, tags: $tags, summaryMetrics: $summaryMetrics }) {
    bucket { id name displayName project { id name entity { id name } } }
    inserted
  }
}`;

const VIEWER = `query Viewer { viewer { id entity } }`;

const RUN_UPLOAD_URLS = `query RunUploadUrls($name: String!, $files: [String]!, $entity: String, $run: String!, $description: String) {
  model(name: $name, entityName: $entity) {
    bucket(name: $run, desc: $description) {
      id
      files(names: $files) { uploadHeaders edges { node { name url(upload: true) updatedAt } } }
    }
  }
}`;

/** A request that failed; `retryable` for network errors, timeouts and 5xx/429 answers. */
class RequestFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A minimal client of the W&B HTTP API: GraphQL (`/graphql`) to create the run and ask for upload
 * URLs, the file stream (`/files/<entity>/<project>/<run>/file_stream`) for history, summary and
 * completion, and PUT uploads of files. Basic auth with user `api` and the API key.
 */
export class WandbClient {
  private readonly fetchFn: typeof fetch;
  private readonly auth: string;

  constructor(private readonly options: ClientOptions) {
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.auth = `Basic ${Buffer.from(`api:${options.apiKey}`).toString('base64')}`;
  }

  private url(path: string): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private async request(what: string, url: string, init: RequestInit): Promise<Response> {
    let last: RequestFailure | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(4000, 250 * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        last = new RequestFailure(
          `${what}: cannot reach ${new URL(url).origin} (${cause?.code ?? (error as Error).name}: ${(error as Error).message})`,
          true,
        );
        continue;
      }
      if (res.ok) return res;
      const body = (await res.text().catch(() => '')).slice(0, 200);
      last = new RequestFailure(
        `${what}: HTTP ${res.status}${body ? ` ${body}` : ''}`,
        res.status >= 500 || res.status === 429,
        res.status,
      );
      if (!last.retryable) break;
    }
    throw voxelwiseError({
      code: 'E_NETWORK',
      where: 'logger-wandb',
      message: last?.message ?? `${what} failed`,
      details: { status: last?.status },
      hint:
        last?.status === 401 || last?.status === 403
          ? 'Check WANDB_API_KEY (or the password for this host in ~/.netrc).'
          : 'The run is queued on disk; upload it later with "voxelwise wandb sync <run-dir>".',
    });
  }

  /** Runs a GraphQL operation; GraphQL errors become `E_NETWORK`. */
  async graphql<T>(what: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await this.request(what, this.url('/graphql'), {
      method: 'POST',
      headers: { Authorization: this.auth, 'Content-Type': 'application/json', 'User-Agent': 'voxelwise-logger-wandb' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (body.errors && body.errors.length > 0) {
      throw voxelwiseError({
        code: 'E_NETWORK',
        where: 'logger-wandb',
        message: `${what}: ${body.errors.map((e) => e.message).join('; ')}`,
      });
    }
    if (!body.data)
      throw voxelwiseError({ code: 'E_NETWORK', where: 'logger-wandb', message: `${what}: the server answered without data` });
    return body.data;
  }

  /** The API key's default entity. */
  async defaultEntity(): Promise<string> {
    const data = await this.graphql<{ viewer?: { entity?: string } }>('viewer', VIEWER, {});
    const entity = data.viewer?.entity;
    if (!entity)
      throw voxelwiseError({
        code: 'E_NETWORK',
        where: 'logger-wandb',
        message: 'the API key has no default entity',
        hint: 'Set the logger option "entity" or WANDB_ENTITY.',
      });
    return entity;
  }

  /** Creates or updates a run (bucket) with its config, tags and summary. */
  async upsertRun(run: {
    id: string;
    entity: string;
    project: string;
    displayName?: string;
    config?: Record<string, unknown>;
    tags?: string[];
    group?: string;
    notes?: string;
    summary?: Record<string, unknown>;
  }): Promise<RemoteRun> {
    const data = await this.graphql<{
      upsertBucket?: { bucket?: { name?: string; displayName?: string; project?: { name?: string; entity?: { name?: string } } } };
    }>('create run', UPSERT_BUCKET, {
      name: run.id,
      entity: run.entity,
      project: run.project,
      ...(run.displayName ? { displayName: run.displayName } : {}),
      ...(run.config ? { config: JSON.stringify(run.config) } : {}),
      ...(run.tags && run.tags.length > 0 ? { tags: run.tags } : {}),
      ...(run.group ? { groupName: run.group } : {}),
      ...(run.notes ? { notes: run.notes } : {}),
      ...(run.summary ? { summaryMetrics: JSON.stringify(run.summary) } : {}),
      program: 'voxelwise',
      jobType: 'train',
    });
    const b = data.upsertBucket?.bucket;
    return {
      id: b?.name ?? run.id,
      entity: b?.project?.entity?.name ?? run.entity,
      project: b?.project?.name ?? run.project,
      ...(b?.displayName ? { displayName: b.displayName } : {}),
    };
  }

  /** Posts to the run's file stream (history lines, summary, or `{ complete, exitcode }`). */
  async fileStream(run: RemoteRun, body: Record<string, unknown>): Promise<void> {
    await this.request(
      'file stream',
      this.url(`/files/${encodeURIComponent(run.entity)}/${encodeURIComponent(run.project)}/${encodeURIComponent(run.id)}/file_stream`),
      {
        method: 'POST',
        headers: { Authorization: this.auth, 'Content-Type': 'application/json', 'User-Agent': 'voxelwise-logger-wandb' },
        body: JSON.stringify(body),
      },
    );
  }

  /** Uploads files (name → bytes) to the run through the URLs the server hands out. */
  async uploadFiles(run: RemoteRun, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
    if (files.size === 0) return;
    const data = await this.graphql<{
      model?: { bucket?: { files?: { uploadHeaders?: string[]; edges?: Array<{ node?: { name?: string; url?: string } }> } } };
    }>('upload urls', RUN_UPLOAD_URLS, {
      name: run.project,
      entity: run.entity,
      run: run.id,
      files: [...files.keys()],
    });
    const info = data.model?.bucket?.files;
    const headers: Record<string, string> = {};
    for (const h of info?.uploadHeaders ?? []) {
      const i = h.indexOf(':');
      if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
    }
    for (const edge of info?.edges ?? []) {
      const name = edge.node?.name;
      const url = edge.node?.url;
      const bytes = name ? files.get(name) : undefined;
      if (!name || !url || !bytes) continue;
      await this.request(`upload ${name}`, url, { method: 'PUT', headers, body: bytes });
    }
  }
}
