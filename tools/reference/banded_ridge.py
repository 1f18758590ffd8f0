"""Known answers for @voxelwise/ridge's `banded-ridge-cv`, computed by himalaya itself.

Runs himalaya's `BandedRidgeCV` (gallantlab/himalaya: himalaya/ridge/_sklearn_api.py::GroupRidgeCV
with solver "random_search", i.e. himalaya/ridge/_random_search.py::solve_group_ridge_random_search)
on the numpy backend in float64, with explicit band-weight candidates (`n_iter` as an array), a
given alpha grid and 5 contiguous folds (KFold without shuffling, as voxelwise's `kfold`), and
writes the chosen candidate and alpha per voxel, the candidates' CV scores, the weights, the test
predictions' Pearson r, and himalaya's split scores (himalaya/scoring.py::r2_score_split,
correlation_score_split) of the per-band test predictions.

Run from a source checkout of himalaya (no install needed), with Debian's python3 (numpy,
scikit-learn):

  PYTHONPATH=/path/to/himalaya /usr/bin/python3 tools/reference/banded_ridge.py \
    > packages/ridge/test/fixtures/banded-reference.json
"""
import json

import numpy as np
from himalaya.backend import set_backend
from himalaya.ridge import BandedRidgeCV
from himalaya.scoring import correlation_score, correlation_score_split, r2_score, r2_score_split

set_backend("numpy")


def problem(seed, n, nt, sizes, v):
    """Bands of z-scored Gaussian features; each voxel mixes the bands with its own weights."""
    rng = np.random.default_rng(seed)
    p = sum(sizes)
    X = rng.standard_normal((n + nt, p))
    X -= X[:n].mean(0)
    X /= X[:n].std(0)
    W = rng.standard_normal((p, v))
    start = 0
    for b, size in enumerate(sizes):
        # voxel j leans on band (j mod bands); the others contribute less
        mix = np.where(np.arange(v) % len(sizes) == b, 1.0, 0.15 * (1 + np.arange(v) % 3))
        W[start:start + size] *= mix / np.sqrt(size)
        start += size
    Y = X @ W + 1.2 * rng.standard_normal((n + nt, v))
    Y -= Y[:n].mean(0)
    Yt = Y[n:] - Y[n:].mean(0)  # zero-mean test responses, as r2_score_split assumes
    return X[:n], Y[:n], X[n:], Yt


def case(name, seed, n, nt, sizes, v, gammas, alphas, score):
    X, Y, Xt, Yt = problem(seed, n, nt, sizes, v)
    groups = np.concatenate([np.full(s, b) for b, s in enumerate(sizes)])
    score_func = {"r2": r2_score, "pearson": correlation_score}[score]
    model = BandedRidgeCV(groups=groups, cv=5, solver_params=dict(
        n_iter=np.asarray(gammas, dtype=np.float64), alphas=np.asarray(alphas, dtype=np.float64),
        score_func=score_func, progress_bar=False, local_alpha=True, conservative=False))
    model.fit(X, Y)
    deltas = model.deltas_  # log(gamma / alpha), bands x voxels
    best_alpha = 1.0 / np.exp(deltas).sum(0)
    best_gamma = np.exp(deltas) * best_alpha
    g = np.asarray(gammas)
    chosen = [int(np.argmin(np.abs(g - best_gamma[:, j]).sum(1))) for j in range(v)]
    pred = model.predict(Xt)
    split = model.predict(Xt, split=True)
    r = correlation_score(Yt, pred)
    bands, start = [], 0
    for b, s in enumerate(sizes):
        bands.append({"name": f"band{b}", "start": start, "end": start + s})
        start += s
    return {
        "name": name,
        "bands": bands,
        "gammas": gammas,
        "alphas": alphas,
        "score": score,
        "data": {"X": X.tolist(), "Y": Y.tolist(), "Xt": Xt.tolist(), "Yt": Yt.tolist()},
        "chosen_candidate": chosen,
        "best_alphas": best_alpha.tolist(),
        "cv_scores": np.asarray(model.cv_scores_).tolist(),  # candidates x voxels
        "coef": np.asarray(model.coef_).tolist(),  # features x voxels
        "test_r": np.asarray(r).tolist(),
        "split_r2": np.asarray(r2_score_split(Yt, split)).tolist(),
        "split_correlation": np.asarray(correlation_score_split(Yt, split)).tolist(),
    }


def main():
    two = [[0.5, 0.5], [0.9, 0.1], [0.1, 0.9], [0.99, 0.01], [0.02, 0.98], [0.7, 0.3]]
    three = [[1 / 3, 1 / 3, 1 / 3], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.05, 0.45, 0.5]]
    out = {
        "source": "himalaya BandedRidgeCV, numpy backend, float64 (tools/reference/banded_ridge.py)",
        "cases": [
            case("two bands, r2", 11, 120, 40, [10, 3], 12, two, [0.1, 1, 10, 100, 1000, 1e4], "r2"),
            case("three bands, pearson", 12, 150, 50, [6, 4, 2], 9, three, [0.3, 3, 30, 300, 3000], "pearson"),
        ],
    }
    print(json.dumps(out, separators=(",", ":")))


if __name__ == "__main__":
    main()
