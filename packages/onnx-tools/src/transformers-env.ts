type Transformers = typeof import('@huggingface/transformers');

let loaded: Promise<Transformers> | undefined;

/**
 * Loads `@huggingface/transformers` on first use and configures its environment — the one place
 * voxelwise sets `env`: local folders are allowed, remote downloads follow `HF_HUB_OFFLINE`
 * (set it to 1 to stay offline), `HF_ENDPOINT` replaces the hub host (mirrors, tests), and
 * nothing is read from or written into the package's own folder.
 */
export function loadTransformers(): Promise<Transformers> {
  loaded ??= import('@huggingface/transformers').then((t) => {
    t.env.allowLocalModels = true;
    t.env.allowRemoteModels = !isOffline();
    const endpoint = process.env['HF_ENDPOINT'];
    if (endpoint) t.env.remoteHost = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
    return t;
  });
  return loaded;
}

/** True when `HF_HUB_OFFLINE` asks for no network (1, true, yes). */
export function isOffline(): boolean {
  return /^(1|true|yes|on)$/i.test(process.env['HF_HUB_OFFLINE'] ?? '');
}
