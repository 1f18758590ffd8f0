import { existsSync, promises as fsp, statSync } from 'node:fs';
import path from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { MODEL_ALIASES, ONNX_CANDIDATES } from './aliases.js';
import { SUPPORTED_ARCHITECTURES } from './feature-graph.js';
import { hubModelDir, isOffline, loadTransformers } from '@voxelwise/onnx-tools';

/** Where a model's files are on this machine. */
export interface ModelSource {
  /** What the user asked for (alias, hub id or path). */
  readonly label: string;
  /** Folder holding `config.json`, `tokenizer.json`, `tokenizer_config.json`. */
  readonly dir: string;
  /** The fp32 ONNX file. */
  readonly onnxFile: string;
  /** Hub repository and revision, when the model came from the hub. */
  readonly hub?: { readonly repo: string; readonly revision: string };
}

/** Options of {@link resolveModelSource}. */
export interface ResolveOptions {
  readonly model: string;
  /** Hub revision (branch, tag or commit). @default 'main' */
  readonly revision?: string;
  /** ONNX file inside the folder, overriding the usual candidates. */
  readonly modelFile?: string;
  /** Root of voxelwise's caches; hub downloads go to `<cacheDir>/hub`. */
  readonly cacheDir: string;
}

const WHERE = 'features-lm:lm';

function findOnnx(dir: string, modelFile: string | undefined): string | undefined {
  const candidates = modelFile ? [modelFile] : ONNX_CANDIDATES;
  for (const c of candidates) {
    const f = path.join(dir, c);
    if (existsSync(f)) return f;
  }
  return undefined;
}

function complete(dir: string, modelFile: string | undefined): string | undefined {
  if (!existsSync(path.join(dir, 'config.json')) || !existsSync(path.join(dir, 'tokenizer.json'))) return undefined;
  return findOnnx(dir, modelFile);
}

function loadError(label: string, tried: string[], hint: string, cause?: unknown): Error {
  return voxelwiseError({
    code: 'E_MODEL_LOAD',
    where: WHERE,
    message: `cannot load model "${label}"; tried: ${tried.join('; ')}`,
    ...(cause === undefined ? {} : { cause }),
    details: { model: label, tried },
    hint,
  });
}

/**
 * Finds a model's files: a local folder (absolute or relative path), or an alias / hub id whose
 * files are downloaded once through transformers.js into `<cacheDir>/hub` and reused offline.
 * Throws `E_MODEL_LOAD` listing every place it looked.
 */
export async function resolveModelSource(options: ResolveOptions): Promise<ModelSource> {
  const { model, modelFile } = options;
  const revision = options.revision ?? 'main';
  const tried: string[] = [];
  const asPath = path.resolve(model);
  const looksLikePath =
    model.startsWith('.') || model.startsWith('/') || model.startsWith('~') || path.isAbsolute(model) || model.includes('\\');
  if (existsSync(asPath) && statSync(asPath).isDirectory()) {
    const onnxFile = complete(asPath, modelFile);
    if (onnxFile) return { label: model, dir: asPath, onnxFile };
    tried.push(`local folder ${asPath} (needs config.json, tokenizer.json and one of ${modelFile ?? ONNX_CANDIDATES.join(', ')})`);
    throw loadError(
      model,
      tried,
      'Put the exported model files in that folder (e.g. optimum-cli export onnx --model gpt2 <dir>) or pass a hub id.',
    );
  }
  tried.push(`local folder ${asPath} (not found)`);
  if (looksLikePath) throw loadError(model, tried, 'Check the path.');

  const alias = MODEL_ALIASES[model];
  const repo = alias?.repo ?? model;
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo))
    throw loadError(model, tried, 'Pass a hub id such as "Xenova/gpt2", an alias (see the README), or a folder path.');
  const dir = hubModelDir(options.cacheDir, repo, revision);
  const cached = complete(dir, modelFile);
  const hub = { repo, revision };
  if (cached) return { label: model, dir, onnxFile: cached, hub };
  tried.push(`${alias ? `alias "${model}" → ` : ''}hub "${repo}" at revision "${revision}" in ${dir} (not downloaded yet)`);
  if (isOffline()) throw loadError(model, tried, 'HF_HUB_OFFLINE is set: unset it to download, or copy the model folder there.');

  const t = await loadTransformers();
  const cache_dir = path.join(path.resolve(options.cacheDir), 'hub');
  try {
    await t.AutoConfig.from_pretrained(repo, { revision, cache_dir });
    await t.AutoTokenizer.from_pretrained(repo, { revision, cache_dir });
  } catch (cause) {
    tried.push(
      `download of config.json / tokenizer.json from ${t.env.remoteHost}${repo} (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    throw loadError(model, tried, 'Check the model id and revision, the network (or HF_ENDPOINT), and HF_TOKEN for gated models.', cause);
  }
  const names = modelFile ? [path.basename(modelFile, '.onnx')] : ['decoder_model', 'model'];
  for (const name of names) {
    try {
      const loaded = await t.AutoModel.from_pretrained(repo, { revision, cache_dir, dtype: 'fp32', device: 'cpu', model_file_name: name });
      await loaded.dispose();
    } catch (cause) {
      tried.push(`download of onnx/${name}.onnx (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`);
      continue;
    }
    const onnxFile = complete(dir, modelFile);
    if (onnxFile) return { label: model, dir, onnxFile, hub };
  }
  throw loadError(
    model,
    tried,
    'The repository needs an fp32 ONNX export under onnx/ (decoder_model.onnx or model.onnx); see the README alias table.',
  );
}

/** The facts about a model the extractor needs, read from `config.json`. */
export interface ModelInfo {
  /** HF `model_type`. */
  readonly architecture: (typeof SUPPORTED_ARCHITECTURES)[number];
  /** Transformer blocks L; the extractor exposes L + 1 layers. */
  readonly nBlocks: number;
  readonly dModel: number;
  readonly nHeads: number;
  /** Maximum sequence length. */
  readonly nPositions: number;
  /** Token prepended to every context (TransformerLens `prepend_bos=True`). */
  readonly bosId: number;
  /** Token used to pad batches (masked). */
  readonly padId: number;
}

function num(config: Record<string, unknown>, keys: string[], file: string): number {
  for (const k of keys) {
    const v = config[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  throw voxelwiseError({ code: 'E_MODEL_LOAD', where: WHERE, message: `${file} lacks ${keys.join(' / ')}` });
}

/** Reads {@link ModelInfo} from a model folder's `config.json`; unsupported architectures are `E_MODEL_UNSUPPORTED`. */
export async function readModelInfo(dir: string): Promise<{ info: ModelInfo; config: Record<string, unknown> }> {
  const file = path.join(dir, 'config.json');
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_MODEL_LOAD',
      where: WHERE,
      message: `cannot read ${file}`,
      cause,
      hint: 'The model folder needs a valid config.json.',
    });
  }
  const type = String(config['model_type'] ?? '');
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(type)) {
    throw voxelwiseError({
      code: 'E_MODEL_UNSUPPORTED',
      where: WHERE,
      message: `unsupported architecture "${type}" in ${file}`,
      expected: SUPPORTED_ARCHITECTURES,
      hint: 'The lm extractor exposes the residual stream of GPT-2, OPT and GPT-NeoX/Pythia models.',
    });
  }
  const architecture = type as ModelInfo['architecture'];
  if (architecture === 'gpt2') {
    const bos = typeof config['bos_token_id'] === 'number' ? (config['bos_token_id'] as number) : 50256;
    return {
      config,
      info: {
        architecture,
        nBlocks: num(config, ['n_layer'], file),
        dModel: num(config, ['n_embd'], file),
        nHeads: num(config, ['n_head'], file),
        nPositions: num(config, ['n_positions', 'n_ctx'], file),
        bosId: bos,
        padId: bos,
      },
    };
  }
  if (architecture === 'opt' && config['do_layer_norm_before'] === false) {
    throw voxelwiseError({
      code: 'E_MODEL_UNSUPPORTED',
      where: WHERE,
      message: `OPT with do_layer_norm_before=false (post-LN, e.g. opt-350m) in ${file}`,
      hint: 'Its block inputs are not a pre-LN residual stream; use another OPT size.',
    });
  }
  const bos = num(config, ['bos_token_id'], file);
  const pad = typeof config['pad_token_id'] === 'number' ? (config['pad_token_id'] as number) : bos;
  return {
    config,
    info: {
      architecture,
      nBlocks: num(config, ['num_hidden_layers'], file),
      dModel: num(config, ['hidden_size'], file),
      nHeads: num(config, ['num_attention_heads'], file),
      nPositions: num(config, ['max_position_embeddings'], file),
      bosId: bos,
      padId: pad,
    },
  };
}
