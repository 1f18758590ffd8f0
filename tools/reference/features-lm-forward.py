#!/usr/bin/env python3
"""Reference forward pass for @voxelwise/features-lm (never part of the product).

Reads the weights straight out of an ONNX file written by createTinyGpt2 (a minimal protobuf
reader, no onnx package) and runs HF GPT2Model's forward pass in float64 numpy: learned
positions, pre-LN blocks, causal softmax attention, gelu_new (Radford et al. 2019; HF
transformers modeling_gpt2.py). It is independent of onnxruntime and of the extractor's graph
editing and pooling.

Usage: python3 tools/reference/features-lm-forward.py <model.onnx> <plan.json> > <out.json>
plan:   {"nRows": n, "sequences": [{"ids": [...], "targets": [{"row", "from", "to", "bos"?}]}]}
output: {"layers": [L+1][nRows][d]} -- layer i = input of block i (TransformerLens
        hook_resid_pre), layer L = last block output before ln_f; pooled per target (mean over
        positions from..to, plus position 0 when "bos" and from > 0); rows without a target are 0.
        Also "lnf": [nRows][d], the ln_f output pooled the same way (HF hidden_states[L]).
"""
import json
import sys

import numpy as np


def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf):
    """Yields (field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wt}")
        yield num, wt, v


def initializers(path):
    data = open(path, "rb").read()
    graph = next(v for n, wt, v in fields(data) if n == 7)  # ModelProto.graph
    out = {}
    for n, wt, v in fields(graph):
        if n != 5:  # GraphProto.initializer
            continue
        dims, name, raw, dtype = [], None, None, None
        for fn, fwt, fv in fields(v):
            if fn == 1:  # TensorProto.dims (packed or not)
                if fwt == 2:
                    j = 0
                    while j < len(fv):
                        d, j = varint(fv, j)
                        dims.append(d)
                else:
                    dims.append(fv)
            elif fn == 2:
                dtype = fv
            elif fn == 8:
                name = fv.decode()
            elif fn == 9:
                raw = fv
        if dtype == 1:  # FLOAT
            out[name] = np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(dims)
    return out


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def forward(W, ids, n_layer, n_head):
    T = len(ids)
    x = W["transformer.wte.weight"][ids] + W["transformer.wpe.weight"][np.arange(T)]
    d = x.shape[1]
    hd = d // n_head
    mask = np.tril(np.ones((T, T), dtype=bool))
    states = []
    for l in range(n_layer):
        p = f"transformer.h.{l}."
        states.append(x.copy())
        h = layer_norm(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"])
        qkv = h @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
        q, k, v = (qkv[:, i * d:(i + 1) * d].reshape(T, n_head, hd).transpose(1, 0, 2) for i in range(3))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(hd)
        s = np.where(mask, s, -np.inf)
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        y = (a @ v).transpose(1, 0, 2).reshape(T, d)
        x = x + y @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        h = layer_norm(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"])
        x = x + gelu_new(h @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"]) @ W[p + "mlp.c_proj.weight"] + W[p + "mlp.c_proj.bias"]
    states.append(x.copy())
    lnf = layer_norm(x, W["transformer.ln_f.weight"], W["transformer.ln_f.bias"])
    return states, lnf


def main():
    W = initializers(sys.argv[1])
    plan = json.load(open(sys.argv[2]))
    n_layer = len({k.split(".")[2] for k in W if k.startswith("transformer.h.")})
    d = W["transformer.wte.weight"].shape[1]
    n_head = plan["nHeads"]
    rows = plan["nRows"]
    layers = np.zeros((n_layer + 1, rows, d))
    lnf_out = np.zeros((rows, d))
    for seq in plan["sequences"]:
        states, lnf = forward(W, np.array(seq["ids"]), n_layer, n_head)
        for t in seq["targets"]:
            pos = list(range(t["from"], t["to"] + 1))
            if t.get("bos") and t["from"] > 0:
                pos = [0] + pos
            for l in range(n_layer + 1):
                layers[l, t["row"]] = states[l][pos].mean(0)
            lnf_out[t["row"]] = lnf[pos].mean(0)
    r = lambda a: [[float(f"{v:.8g}") for v in row] for row in a]
    json.dump({"source": "tools/reference/features-lm-forward.py", "layers": [r(m) for m in layers], "lnf": r(lnf_out)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
