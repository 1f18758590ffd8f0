/** An onnxruntime session as far as the pool needs it: something to release. */
export interface PooledSession {
  readonly session: { release(): Promise<void> };
}

/** A model the pool shares: it knows the folder and ONNX file it was opened from. */
export interface PooledModel {
  readonly source: { readonly dir: string; readonly onnxFile: string };
}

/** Process-wide, reference-counted models; see {@link createModelPool}. */
export interface ModelPool<M extends PooledModel, S extends PooledSession> {
  /**
   * The model opened from `source`, shared with every other holder: `create` runs once per
   * source (concurrent callers wait for the same promise; a failed open is forgotten, so the next
   * call tries again). `create` receives the map the model fills with its lazily opened sessions.
   */
  open(source: PooledModel['source'], create: (sessions: Map<string, Promise<S>>) => Promise<M>): Promise<M>;
  /** Drops one hold on a model; the last release frees its sessions. */
  release(model: M): Promise<void>;
}

interface Entry<M, S> {
  model: M;
  refs: number;
  sessions: Map<string, Promise<S>>;
}

function keyOf(source: PooledModel['source']): string {
  return `${source.dir}\0${source.onnxFile}`;
}

/**
 * A pool of models shared within the process, so that a layer sweep that creates one extractor
 * per layer loads the model (and each onnxruntime session) once. Each model plugin keeps one pool.
 */
export function createModelPool<M extends PooledModel, S extends PooledSession>(): ModelPool<M, S> {
  const open = new Map<string, Promise<Entry<M, S>>>();
  return {
    async open(source, create) {
      const key = keyOf(source);
      let pending = open.get(key);
      if (!pending) {
        pending = (async () => {
          const sessions = new Map<string, Promise<S>>();
          return { model: await create(sessions), refs: 0, sessions };
        })();
        open.set(key, pending);
        pending.catch(() => open.delete(key));
      }
      const entry = await pending;
      entry.refs++;
      return entry.model;
    },
    async release(model) {
      const key = keyOf(model.source);
      const pending = open.get(key);
      if (!pending) return;
      const entry = await pending;
      if (entry.model !== model) return;
      entry.refs--;
      if (entry.refs > 0) return;
      open.delete(key);
      for (const s of entry.sessions.values()) {
        try {
          await (await s).session.release();
        } catch {
          // A session that failed to open has nothing to release.
        }
      }
    },
  };
}
