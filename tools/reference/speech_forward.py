#!/usr/bin/env python3
"""Reference speech features for @voxelwise/features-speech (never part of the product).

An independent float64 numpy transcription of what LITcoder's SpeechFeatureExtractor computes
(GT-LIT-Lab/litcoder_core, SpeechFeatureExtractor.extract_all_layers): the audio read with
scipy.io.wavfile and averaged over channels, LITcoder's windows, the HF feature extractor of the
model type (WhisperFeatureExtractor: numpy STFT + Slaney mel filters + log10 max-norm, as HF
transformers feature_extraction_whisper.py `_np_extract_fbank_features`; Wav2Vec2FeatureExtractor:
zero-mean unit-variance), the encoder forward pass (HF modeling_whisper.py WhisperEncoder,
modeling_wav2vec2.py Wav2Vec2Model with group-norm feature encoder and post-LN blocks) with
weights read straight out of the ONNX file, hidden_states[i + 1] per layer, and pooling. It is
independent of transformers.js, onnxruntime and the extractor's graph editing.

Usage: python3 tools/reference/speech_forward.py <model dir> <audio.wav> <chunk s> <context s> <pool> <frames> [input] [hop s]
  pool: last | mean;  frames: real | padded (Whisper: pool over the real-audio frames or all 1500)
  input: padded (default; 30 s, as LITcoder) | trimmed (Whisper: only the first 2*n_real log-mel
         frames of the padded features and the first n_real positions)
  hop: seconds between encoder passes, k = hop / chunk windows read out of each (default chunk:
       one pass per window, LITcoder). A pass ends at the end of its last window and spans
       context + hop - chunk seconds (clipped at 0); window [a, b) inside it reads, for "last",
       the last frame of the audio up to b, for "mean" the mean of the frames of [a, b).
output (stdout): {"times": [n], "layers": [L][n][d]}
"""
import importlib.util
import json
import math
import os
import sys

import numpy as np
from scipy.special import erf as _erf
from scipy.io import wavfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("lmref", os.path.join(HERE, "features-lm-forward.py"))
_lmref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lmref)
initializers = _lmref.initializers  # the minimal ONNX initializer reader of the LM reference


def read_wav(path):
    sr, x = wavfile.read(path)
    if x.dtype == np.int16:
        x = x / 32768.0
    elif x.dtype == np.int32:
        x = x / 2147483648.0
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)  # LITcoder: wav.mean(0) over channels
    return sr, x


def litcoder_windows(total, sr, chunk_size, context_size):
    """SpeechFeatureExtractor.extract_all_layers: stride chunk, window context, time = window end."""
    chunk = int(chunk_size * sr)
    context = int(context_size * sr)
    if total < context:
        return []
    n = (total - context) // chunk + 1
    out = []
    for i in range(n):
        end = context + i * chunk
        start = max(0, end - context)
        if end > total:
            break
        out.append((start, end, end / sr))
    return out


def hz_to_mel(f):
    # Slaney scale (HF audio_utils.hertz_to_mel, mel_scale="slaney")
    f = np.asarray(f, dtype=np.float64)
    mel = 3.0 * f / 200.0
    logstep = 27.0 / np.log(6.4)
    return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) * logstep, mel)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f = 200.0 * m / 3.0
    logstep = np.log(6.4) / 27.0
    return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), f)


def mel_filters(n_freq, n_mels, sr, fmin=0.0, fmax=8000.0):
    """HF audio_utils.mel_filter_bank(norm="slaney", mel_scale="slaney"): triangles, area-normalised."""
    mels = np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2)
    f_pts = mel_to_hz(mels)
    fft_freqs = np.linspace(0, sr // 2, n_freq)
    diff = np.diff(f_pts)
    slopes = f_pts[None, :] - fft_freqs[:, None]
    down = -slopes[:, :-2] / diff[:-1]
    up = slopes[:, 2:] / diff[1:]
    fb = np.maximum(0, np.minimum(down, up))
    enorm = 2.0 / (f_pts[2:n_mels + 2] - f_pts[:n_mels])
    return fb * enorm[None, :]  # [n_freq, n_mels]


def whisper_log_mel(x, pre):
    n_samples, n_fft, hop = pre["n_samples"], pre["n_fft"], pre["hop_length"]
    w = np.zeros(n_samples)
    w[: min(len(x), n_samples)] = x[:n_samples]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)  # periodic Hann
    padded = np.pad(w, n_fft // 2, mode="reflect")  # torch.stft(center=True)
    n_frames = 1 + (len(padded) - n_fft) // hop
    frames = np.stack([padded[i * hop: i * hop + n_fft] * window for i in range(n_frames)])
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # [frames, n_freq]
    mel = power @ mel_filters(n_fft // 2 + 1, pre["feature_size"], pre["sampling_rate"])
    log_spec = np.log10(np.maximum(mel, 1e-10)).T[:, :-1]  # drop the last frame, as HF does
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0  # [n_mels, 3000]


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def conv1d(x, w, b=None, stride=1, pad=0, groups=1):
    """x [C_in, T], w [C_out, C_in/groups, K] -> [C_out, T_out] (torch.nn.Conv1d)."""
    if pad:
        x = np.pad(x, ((0, 0), (pad, pad)))
    c_out, c_in_g, k = w.shape
    t_out = (x.shape[1] - k) // stride + 1
    out = np.zeros((c_out, t_out))
    go = c_out // groups
    for gi in range(groups):
        xs = x[gi * c_in_g:(gi + 1) * c_in_g]
        cols = np.stack([xs[:, j * stride: j * stride + k] for j in range(t_out)])  # [t_out, c_in_g, k]
        out[gi * go:(gi + 1) * go] = np.einsum("tck,ock->ot", cols, w[gi * go:(gi + 1) * go])
    if b is not None:
        out += b[:, None]
    return out


def attention(W, p, x, heads, k_bias):
    T, d = x.shape
    hd = d // heads
    q = x @ W[p + "q_proj.weight"] + W[p + "q_proj.bias"]
    k = x @ W[p + "k_proj.weight"] + (W[p + "k_proj.bias"] if k_bias else 0.0)
    v = x @ W[p + "v_proj.weight"] + W[p + "v_proj.bias"]
    q, k, v = (a.reshape(T, heads, hd).transpose(1, 0, 2) for a in (q, k, v))
    s = q @ k.transpose(0, 2, 1) / math.sqrt(hd)
    s = np.exp(s - s.max(-1, keepdims=True))
    s /= s.sum(-1, keepdims=True)
    o = (s @ v).transpose(1, 0, 2).reshape(T, d)
    return o @ W[p + "out_proj.weight"] + W[p + "out_proj.bias"]


def whisper_encoder(W, cfg, feats):
    """HF WhisperEncoder.forward with output_hidden_states: returns hidden_states[1..L]."""
    x = gelu(conv1d(feats, W["conv1.weight"], W["conv1.bias"], 1, 1))
    x = gelu(conv1d(x, W["conv2.weight"], W["conv2.bias"], 2, 1)).T
    x = x + W["embed_positions.weight"][: x.shape[0]]  # all 1500 rows for 30 s input
    states = []
    L = cfg["encoder_layers"]
    for i in range(L):
        p = f"layers.{i}."
        x = x + attention(W, p + "self_attn.", layer_norm(x, W[p + "self_attn_layer_norm.weight"], W[p + "self_attn_layer_norm.bias"]), cfg["encoder_attention_heads"], False)
        h = layer_norm(x, W[p + "final_layer_norm.weight"], W[p + "final_layer_norm.bias"])
        x = x + gelu(h @ W[p + "fc1.weight"] + W[p + "fc1.bias"]) @ W[p + "fc2.weight"] + W[p + "fc2.bias"]
        states.append(x)
    states[-1] = layer_norm(x, W["layer_norm.weight"], W["layer_norm.bias"])  # HF appends the state after layer_norm
    return states


def wav2vec2_model(W, cfg, wave):
    """HF Wav2Vec2Model (feat_extract_norm="group", post-LN encoder): returns hidden_states[1..L]."""
    x = wave[None, :]
    for j, (k, s) in enumerate(zip(cfg["conv_kernel"], cfg["conv_stride"])):
        x = conv1d(x, W[f"feature_extractor.conv_layers.{j}.conv.weight"], None, s)
        if j == 0:  # GroupNorm(num_groups=channels): per channel over time
            n = "feature_extractor.conv_layers.0.layer_norm."
            mu = x.mean(1, keepdims=True)
            var = ((x - mu) ** 2).mean(1, keepdims=True)
            x = (x - mu) / np.sqrt(var + 1e-5) * W[n + "weight"][:, None] + W[n + "bias"][:, None]
        x = gelu(x)
    x = x.T
    x = layer_norm(x, W["feature_projection.layer_norm.weight"], W["feature_projection.layer_norm.bias"])
    x = x @ W["feature_projection.projection.weight"] + W["feature_projection.projection.bias"]
    K = cfg["num_conv_pos_embeddings"]
    pos = conv1d(x.T, W["encoder.pos_conv_embed.conv.weight"], W["encoder.pos_conv_embed.conv.bias"], 1, K // 2, cfg["num_conv_pos_embedding_groups"])
    if K % 2 == 0:
        pos = pos[:, :-1]  # Wav2Vec2SamePadLayer
    x = x + gelu(pos).T
    x = layer_norm(x, W["encoder.layer_norm.weight"], W["encoder.layer_norm.bias"])
    states = []
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layers.{i}."
        x = layer_norm(x + attention(W, p + "attention.", x, cfg["num_attention_heads"], True), W[p + "layer_norm.weight"], W[p + "layer_norm.bias"])
        ff = gelu(x @ W[p + "feed_forward.intermediate_dense.weight"] + W[p + "feed_forward.intermediate_dense.bias"])
        ff = ff @ W[p + "feed_forward.output_dense.weight"] + W[p + "feed_forward.output_dense.bias"]
        x = layer_norm(x + ff, W[p + "final_layer_norm.weight"], W[p + "final_layer_norm.bias"])
        states.append(x)
    return states


def readout_passes(windows, k, sr, chunk_size, context_size):
    """The readout hop: k consecutive windows per pass, the pass = [end - context - (k-1) chunk, end)
    for the end of its last window; a story's last pass may read fewer windows (same span)."""
    span = int(context_size * sr) + (k - 1) * int(chunk_size * sr)
    out = []
    for first in range(0, len(windows), k):
        group = windows[first:first + k]
        end = group[-1][1]
        out.append((max(0, end - span), end, group))
    return out


def whisper_frames_up_to(offset, pre, n_max):
    """Encoder frames centred on log-mel frames of the first `offset` samples (frame j on mel frame 2j)."""
    return min(n_max, math.ceil((offset // pre["hop_length"]) / 2))


def conv_frames(samples, cfg):
    """HF Wav2Vec2Model._get_feat_extract_output_lengths."""
    n = samples
    for k, s in zip(cfg["conv_kernel"], cfg["conv_stride"]):
        n = (n - k) // s + 1
    return n


def main():
    model_dir, wav, chunk, context, pool, frames = sys.argv[1:7]
    trimmed = len(sys.argv) > 7 and sys.argv[7] == "trimmed"
    hop = float(sys.argv[8]) if len(sys.argv) > 8 else float(chunk)
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    pre = json.load(open(os.path.join(model_dir, "preprocessor_config.json")))
    whisper = cfg["model_type"] == "whisper"
    W = initializers(os.path.join(model_dir, "onnx", "encoder_model.onnx" if whisper else "model.onnx"))
    sr, x = read_wav(wav)
    assert sr == pre["sampling_rate"], "the reference reads audio at the model's rate"
    layers, times = None, []
    windows = litcoder_windows(len(x), sr, float(chunk), float(context))
    k = round(hop / float(chunk))
    for p_start, p_end, group in readout_passes(windows, k, sr, float(chunk), float(context)):
        w = x[p_start:p_end]
        if whisper:
            feats = whisper_log_mel(w, pre)
            n_pos = feats.shape[1] // 2
            n_real = min(n_pos, max(1, math.ceil((len(w) // pre["hop_length"]) / 2)))
            if trimmed:
                feats = feats[:, : 2 * n_real]
            states = whisper_encoder(W, cfg, feats)
        else:
            if pre.get("do_normalize"):
                w = (w - w.mean()) / np.sqrt(w.var() + 1e-7)
            states = wav2vec2_model(W, cfg, w)
        for start, end, t in group:
            a, b = start - p_start, end - p_start
            if whisper and frames == "padded" and not trimmed:
                lo, hi = 0, len(states[0])  # LITcoder: all 1500 frames, padding included
            elif whisper:
                lo = whisper_frames_up_to(a, pre, len(states[0]))
                hi = max(1, whisper_frames_up_to(b, pre, len(states[0])))
            else:
                lo = math.ceil(a / int(np.prod(cfg["conv_stride"])))  # frames whose receptive field starts at or after a
                hi = conv_frames(b, cfg)
            pooled = [s[hi - 1] if pool == "last" else s[lo:hi].mean(0) for s in states]
            if layers is None:
                layers = [[] for _ in pooled]
            for li, v in enumerate(pooled):
                layers[li].append(v.tolist())
            times.append(t)
    json.dump({"times": times, "layers": layers or []}, sys.stdout)


if __name__ == "__main__":
    main()
