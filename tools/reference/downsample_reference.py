#!/usr/bin/env python3
"""Dense numpy reference for @voxelwise/downsample (a tool, never part of the product).

Each function below is the dense (TRs x words) formulation of a LITcoder downsampling method,
written from the upstream sources (LITcoder GT-LIT-Lab/litcoder_core:
encoding/downsample/{downsampling,interpdata}.py, HuthLab/deep-fMRI-dataset:
encoding/ridge_utils/interpdata.py).

Commands:
  check-golden GOLDEN.json   recompute the golden.json `downsample`, `fir` and `zscore` cases and
                             fail unless they match (so this formulation is the reference's)
  fixtures OUT.json          write randomised known-answer cases for the TypeScript tests
  bench DIR                  time the dense formulation on the stories of DIR/manifest.json (written
                             by tools/bench/downsample/bench.ts); print JSON timings, write outputs
"""
import json
import sys
import time

import numpy as np


# --- dense formulations (LITcoder downsampling.py / Huth interpdata.py) ---------------------------

def lanczos_fun(cutoff, t, window):
    # Huth interpdata.py lanczosfun: a sin(pi u) sin(pi u / a) / (pi^2 u^2), 1 at 0, 0 beyond a
    t = t * cutoff
    with np.errstate(divide="ignore", invalid="ignore"):
        val = window * np.sin(np.pi * t) * np.sin(np.pi * t / window) / (np.pi ** 2 * t ** 2)
    val[t == 0] = 1.0
    val[np.abs(t) > window] = 0.0
    return val


def lanczos_matrix(data_times, tr_times, window, cutoff_mult):
    cutoff = 1 / np.mean(np.diff(tr_times)) * cutoff_mult
    return lanczos_fun(cutoff, np.subtract.outer(tr_times, data_times), window)


def lanczos_loop_matrix(data_times, tr_times, window, cutoff_mult):
    # The reference builds the matrix one TR row at a time (lanczosinterp2D); same values.
    cutoff = 1 / np.mean(np.diff(tr_times)) * cutoff_mult
    mat = np.zeros((len(tr_times), len(data_times)))
    for i in range(len(tr_times)):
        mat[i, :] = lanczos_fun(cutoff, tr_times[i] - data_times, window)
    return mat


def lanczos(data, data_times, tr_times, window, cutoff_mult, rectify=False, loop=False):
    build = lanczos_loop_matrix if loop else lanczos_matrix
    mat = build(data_times, tr_times, window, cutoff_mult)
    if rectify:
        return np.hstack([mat @ np.clip(data, -np.inf, 0), mat @ np.clip(data, 0, np.inf)])
    return mat @ data


def sinc_matrix(data_times, tr_times, window, cutoff_mult, causal=False, renorm=True):
    # LITcoder sincfun: 2B sin(2 pi B t) / (2 pi B t + 1e-20); 0 beyond window/(2B); causal; renorm
    B = 1 / np.mean(np.diff(tr_times)) * cutoff_mult
    t = np.subtract.outer(tr_times, data_times)
    val = 2 * B * np.sin(2 * np.pi * B * t) / (2 * np.pi * B * t + 1e-20)
    val[np.abs(t) > window / (2 * B)] = 0
    if causal:
        val[t < 0] = 0
    if renorm:
        sums = val.sum(axis=1)
        nz = sums != 0.0
        val[nz] = val[nz] / sums[nz, None]
    return val


def sinc(data, data_times, tr_times, window, cutoff_mult, causal=False, renorm=True):
    return sinc_matrix(data_times, tr_times, window, cutoff_mult, causal, renorm) @ data


def gabor(data, data_times, tr_times, freqs, sigma):
    # LITcoder gabor_xfm: |sum_j exp(-0.5 (s_j - t)^2 / (2 sigma^2)) x_j (cos 2 pi f s_j + i sin 2 pi f s_j)|
    g = np.exp(-0.5 * np.subtract.outer(tr_times, data_times) ** 2 / (2 * sigma ** 2))
    out = np.zeros((len(tr_times), data.shape[1] * len(freqs)))
    for l, f in enumerate(freqs):
        re = (g * np.cos(data_times * f * 2 * np.pi)) @ data
        im = (g * np.sin(data_times * f * 2 * np.pi)) @ data
        out[:, l::len(freqs)] = np.abs(re + 1j * im)
    return out


def gabor_loop(data, data_times, tr_times, freqs, sigma):
    # LITcoder's structure (gabor_xfm2D): one feature at a time, one TR at a time; same values
    cos_f = np.vstack([np.cos(data_times * f * 2 * np.pi) for f in freqs])
    sin_f = np.vstack([np.sin(data_times * f * 2 * np.pi) for f in freqs])
    out = np.zeros((len(tr_times), data.shape[1] * len(freqs)))
    for k in range(data.shape[1]):
        for i, t in enumerate(tr_times):
            gx = np.exp(-0.5 * (data_times - t) ** 2 / (2 * sigma ** 2)) * data[:, k]
            out[i, k * len(freqs):(k + 1) * len(freqs)] = np.abs(cos_f @ gx + 1j * (sin_f @ gx))
    return out


def rect(data, data_times, tr_times):
    out = np.zeros((len(tr_times), data.shape[1]))
    tr = np.mean(np.diff(tr_times))
    for i, t in enumerate(tr_times):
        mask = (data_times >= t - tr / 2) & (data_times < t + tr / 2)
        if np.any(mask):
            out[i] = np.mean(data[mask], axis=0)
    return out


def by_label(data, labels, reduce):
    labels = np.asarray(labels)
    out = np.zeros((int(labels.max()) + 1, data.shape[1]))
    for r in range(out.shape[0]):
        idx = np.nonzero(labels == r)[0]
        if len(idx):
            out[r] = {"mean": lambda: data[idx].mean(0), "sum": lambda: data[idx].sum(0), "last": lambda: data[idx.max()]}[reduce]()
    return out


def by_chunk(data, boundaries, reduce):
    out = np.zeros((len(boundaries) + 1, data.shape[1]))
    for c, chunk in enumerate(np.split(data, boundaries)):
        if len(chunk):
            out[c] = {"mean": lambda: chunk.mean(0), "sum": lambda: chunk.sum(0), "last": lambda: chunk[-1]}[reduce]()
    return out


def make_delayed(stim, delays, circpad=False):
    nt, nd = stim.shape
    blocks = []
    for d in delays:
        block = np.zeros((nt, nd))
        if d < 0:
            block[:d, :] = stim[-d:, :]
            if circpad:
                block[d:, :] = stim[:-d, :]
        elif d > 0:
            block[d:, :] = stim[:-d, :]
            if circpad:
                block[:d, :] = stim[-d:, :]
        else:
            block = stim.copy()
        blocks.append(block)
    return np.hstack(blocks)


def zscore(v):
    m = v - v.mean(0)
    s = v.std(0)
    return np.where(s != 0, m / np.where(s != 0, s, 1), 0.0)


LABEL_METHODS = {"average": "mean", "sum": "sum", "last": "last"}
CHUNK_METHODS = {"legacy_average": "mean", "legacy_sum": "sum", "legacy_last": "last"}


def run_case(method, params, data, data_times, tr_times):
    p = dict(params)
    if method == "lanczos":
        return lanczos(data, data_times, tr_times, p["window"], p["cutoff_mult"], p.get("rectify", False))
    if method == "sinc":
        return sinc(data, data_times, tr_times, p["window"], p["cutoff_mult"], p.get("causal", False), p.get("renorm", True))
    if method == "gabor":
        return gabor(data, data_times, tr_times, p["freqs"], p["sigma"])
    if method == "rect":
        return rect(data, data_times, tr_times)
    if method in LABEL_METHODS:
        return by_label(data, p.get("tr_labels", p.get("split_indices")), LABEL_METHODS[method])
    if method in CHUNK_METHODS:
        return by_chunk(data, p["split_indices"], CHUNK_METHODS[method])
    raise ValueError(method)


# --- commands ----------------------------------------------------------------------------------

def check_golden(path):
    golden = json.load(open(path))
    ds = golden["downsample"]
    data = np.array(ds["input"]["data"], float)
    dt = np.array(ds["input"]["data_times"], float)
    tr = np.array(ds["input"]["tr_times"], float)
    worst = 0.0
    for case in ds["cases"]:
        got = run_case(case["method"], case["params"], data, dt, tr)
        want = np.array(case["out"], float)
        err = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1e-300))
        worst = max(worst, err)
        assert err < 1e-12, (case["method"], case["params"], got.tolist(), want.tolist())
    g = ds["gabor"]
    got = gabor(np.hstack([data, 2 * data]), dt, tr, g["params"]["freqs"], g["params"]["sigma"])
    assert np.allclose(got, np.array(g["out"]), rtol=1e-12, atol=0), got
    ones_t = np.arange(0.2, 60, 0.4)
    dens = lanczos(np.ones((len(ones_t), 1)), ones_t, np.arange(1.0, 60, 2.0), 3, 1)
    assert abs(dens[15, 0] - 4.98528691) < 1e-8, dens[15, 0]
    for case in golden["fir"]:
        got = make_delayed(np.array(case["x"], float), case["delays"], case["circpad"])
        assert np.array_equal(got, np.array(case["out"], float)), (case, got)
    z = golden["zscore"]
    assert np.allclose(zscore(np.array(z["x"], float)), np.array(z["out"]), rtol=1e-12, atol=0)
    print(json.dumps({"ok": True, "cases": len(ds["cases"]) + 1 + len(golden["fir"]) + 1, "worst_rel": worst}))


def fixtures(path):
    rng = np.random.default_rng(20261127)
    cases = []

    inputs = {}

    def add(name, method, params, tag):
        data, data_times, tr_times = inputs_np[tag]
        out = run_case(method, params, data, data_times, tr_times)
        cases.append({"name": name, "input": tag, "method": method, "params": params, "out": out.tolist()})

    # Regular grid (TR 2, centres at odd seconds) with words on window edges (even seconds), on
    # TR centres (odd seconds: Lanczos u = 0 and |u| = 3 for TRs three away) and at x.5.
    tr_reg = np.arange(1.0, 30.0, 2.0)
    random_times = np.sort(rng.uniform(-1.0, 31.0, 40))
    special = np.array([0.0, 2.0, 3.0, 7.0, 10.0, 13.0, 14.5, 15.5, 20.0, 21.0, 28.0, 29.0])
    t_reg = np.sort(np.concatenate([random_times, special]))
    x_reg = rng.standard_normal((len(t_reg), 3))
    # Irregular grid (TR mean not a round number) and shuffled word order.
    tr_irr = np.cumsum(rng.uniform(1.6, 2.4, 16))
    t_irr = rng.uniform(tr_irr[0] - 3, tr_irr[-1] + 3, 57)
    hw = 1.5 / (2 * (1 / np.mean(np.diff(tr_irr))))
    t_irr[:4] = [tr_irr[3] - hw, tr_irr[7] + hw, tr_irr[5], tr_irr[9]]
    x_irr = rng.standard_normal((len(t_irr), 4)) * 3

    inputs_np = {"regular": (x_reg, t_reg, tr_reg), "irregular-unsorted": (x_irr, t_irr, tr_irr)}
    for tag, (x, t, trs) in inputs_np.items():
        inputs[tag] = {"data": x.tolist(), "data_times": t.tolist(), "tr_times": trs.tolist()}
        for params in [
            {"window": 3, "cutoff_mult": 1},
            {"window": 3, "cutoff_mult": 1, "rectify": True},
            {"window": 2, "cutoff_mult": 0.5},
            {"window": 2.5, "cutoff_mult": 1.3},
        ]:
            add(f"lanczos {tag} {params}", "lanczos", params, tag)
        for params in [
            {"window": 1, "cutoff_mult": 1},
            {"window": 3, "cutoff_mult": 1, "causal": True},
            {"window": 1.5, "cutoff_mult": 1, "renorm": False},
            {"window": 1.5, "cutoff_mult": 1},
            {"window": 2, "cutoff_mult": 0.7, "causal": True, "renorm": False},
        ]:
            add(f"sinc {tag} {params}", "sinc", params, tag)
        for params in [{"freqs": [0.1, 0.25], "sigma": 1}, {"freqs": [0.05], "sigma": 2.5}, {"freqs": [0.0, -0.3, 0.4], "sigma": 0.6}]:
            add(f"gabor {tag} {params}", "gabor", params, tag)
        add(f"rect {tag}", "rect", {}, tag)
        n, m = len(t), len(trs)
        labels = rng.integers(0, m, n)
        labels[rng.integers(0, n)] = m - 1  # LITcoder returns max(label)+1 rows; make that m
        for method in LABEL_METHODS:
            add(f"{method} {tag}", method, {"split_indices": labels.tolist()}, tag)
        bounds = np.sort(rng.integers(0, n + 1, m - 1))
        bounds[2] = bounds[3]  # an empty chunk
        for method in CHUNK_METHODS:
            add(f"{method} {tag}", method, {"split_indices": bounds.tolist()}, tag)

    means = []
    for n in [2, 3, 7, 8, 9, 16, 17, 100, 128, 129, 130, 300, 1000]:
        v = np.cumsum(rng.uniform(1.5, 2.5, n)) * rng.choice([1.0, 1e-3, 1e3])
        means.append({"tr_times": v.tolist(), "mean_diff": float(np.mean(np.diff(v))), "sum": float(np.sum(v))})

    fir = []
    stim = rng.standard_normal((7, 2))
    for delays, circpad in [([1, 2, 3, 4], False), ([-2, 0, 3], False), ([-3, 1, 6], True), ([0], False), ([8], False)]:
        fir.append({"x": stim.tolist(), "delays": delays, "circpad": circpad, "out": make_delayed(stim, delays, circpad).tolist()})
    zs_x = rng.standard_normal((9, 3)) * [1, 5, 0.01] + [0, 3, -2]
    doc = {
        "_source": "tools/reference/downsample_reference.py fixtures (dense numpy formulation of LITcoder encoding/downsample, checked against the golden known answers by check-golden); numpy " + np.__version__,
        "inputs": inputs,
        "cases": cases,
        "numpy_mean": means,
        "fir": fir,
        "zscore": {"x": zs_x.tolist(), "out": zscore(zs_x).tolist()},
    }
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print(json.dumps({"written": path, "cases": len(cases)}))


def bench(directory):
    manifest = json.load(open(f"{directory}/manifest.json"))
    dtype = np.float32 if manifest["dtype"] == "float32" else np.float64
    stories = []
    for s in manifest["stories"]:
        data = np.fromfile(f"{directory}/{s['name']}.data", dtype=dtype).reshape(s["words"], manifest["features"])
        stories.append((s["name"], data, np.fromfile(f"{directory}/{s['name']}.times", np.float64), np.fromfile(f"{directory}/{s['name']}.tr", np.float64)))
    results = []
    for spec in manifest["methods"]:
        label, method, params = spec["label"], spec["method"], spec["params"]
        variants = {"dense": lambda d, t, tr: run_case(method, params, d, t, tr)}
        if method == "lanczos":
            variants["litcoder-loop"] = lambda d, t, tr: lanczos(d, t, tr, params["window"], params["cutoff_mult"], params.get("rectify", False), loop=True)
        if method == "gabor" and manifest.get("slowLoops"):
            variants["litcoder-loop"] = lambda d, t, tr: gabor_loop(d, t, tr, params["freqs"], params["sigma"])
        timings = {}
        for variant, fn in variants.items():
            best = float("inf")
            slow = method == "gabor" and variant == "litcoder-loop"
            for _ in range(1 if slow else manifest["repeats"]):
                t0 = time.perf_counter()
                outs = [fn(d, t, tr) for _, d, t, tr in stories]
                best = min(best, time.perf_counter() - t0)
            timings[variant] = best
            if variant == "dense":
                for (name, *_), out in zip(stories, outs):
                    np.ascontiguousarray(out, dtype=np.float64).tofile(f"{directory}/{name}.{label}.ref")
        results.append({"label": label, "seconds": timings})
    print(json.dumps({"numpy": np.__version__, "results": results}))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "check-golden":
        check_golden(sys.argv[2])
    elif cmd == "fixtures":
        fixtures(sys.argv[2])
    elif cmd == "bench":
        bench(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
