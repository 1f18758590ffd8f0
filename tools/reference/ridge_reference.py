"""Known answers for @voxelwise/ridge beyond golden.json, computed with numpy float64.

Re-expresses the reference algorithms as written in their public sources:
  * LITcoder `NestedCVModel.fit_predict` train-test mode
    (GT-LIT-Lab/litcoder_core:encoding/models/nested_cv.py): per inner fold an SVD of
    X_train (components with S > singcutoff kept), `pred = (X_val·Vᵀ·diag(S/(S²+a²)))·(Uᵀ·Y_train)`,
    scores averaged over folds, per-voxel argmax, `ridge_torch` refit on all rows, test Pearson r.
  * fold layouts of LITcoder `encoding/models/folding.py`: kfold, kfold_trimmed, timeseries.
  * scores: exact Pearson (Huth use_corr), LITcoder ddof-1 z-scores + 1e-8, himalaya r2_score,
    Huth's use_corr=False signed sqrt R² with Prespvar = (1 + var)/2.
Ties in the argmax go to the larger alpha (voxelwise's rule; the data here have no near-ties).

Usage: python3 tools/reference/ridge_reference.py > packages/ridge/test/fixtures/ridge-reference.json
"""
import json

import numpy as np

SINGCUTOFF = 1e-10


def folds(kind, n, k, trim=2):
    sizes = [n // k + (1 if f < n % k else 0) for f in range(k)]
    bounds = np.cumsum([0] + sizes)
    out = []
    if kind in ("kfold", "kfold_trimmed"):
        for f in range(k):
            a, b = bounds[f], bounds[f + 1]
            test = np.arange(a, b)
            train = np.setdiff1d(np.arange(n), test)
            if kind == "kfold_trimmed" and b - a > 2 * trim:
                test = np.arange(a + trim, b - trim)
            out.append((train, test))
    elif kind == "timeseries":
        size = n // (k + 1)
        for f in range(k):
            start = n - (k - f) * size
            out.append((np.arange(0, start), np.arange(start, start + size)))
    return out


def score(kind, y, p):
    n = y.shape[0]
    if kind == "pearson":
        yc, pc = y - y.mean(0), p - p.mean(0)
        return np.nan_to_num((yc * pc).sum(0) / np.sqrt((yc * yc).sum(0) * (pc * pc).sum(0)))
    if kind == "litcoder":
        z = lambda x: (x - x.mean(0)) / (x.std(0, ddof=1) + 1e-8)
        return np.nan_to_num((z(y) * z(p)).mean(0))
    if kind == "r2":
        return 1 - ((y - p) ** 2).sum(0) / ((y - y.mean(0)) ** 2).sum(0)
    if kind == "huth":
        rsq = 1 - (y - p).var(0) / ((1 + y.var(0)) / 2)
        return np.nan_to_num(np.sign(rsq) * np.sqrt(np.abs(rsq)))
    raise ValueError(kind)


def svd(X):
    U, S, Vh = np.linalg.svd(X, full_matrices=False)
    keep = S > SINGCUTOFF
    return U[:, keep], S[keep], Vh[keep]


def fit(X, Y, Xt, Yt, alphas, normalpha, fold_kind, k, score_kind):
    n, v = Y.shape
    scores = np.zeros((len(alphas), v))
    fl = folds(fold_kind, n, k)
    for tr, va in fl:
        U, S, Vh = svd(X[tr])
        UR = U.T @ Y[tr]
        PVh = X[va] @ Vh.T
        for ai, a in enumerate(alphas):
            na = a * S[0] if normalpha else a
            pred = (PVh * (S / (S ** 2 + na ** 2))) @ UR
            scores[ai] += score(score_kind, Y[va], pred)
    scores /= len(fl)
    best = []
    for j in range(v):
        col = scores[:, j]
        m = col.max()
        best.append(max(a for a, s in zip(alphas, col) if s == m))
    best = np.array(best)
    U, S, Vh = svd(X)
    UR = U.T @ Y
    W = np.zeros((X.shape[1], v))
    for j in range(v):
        na = best[j] * S[0] if normalpha else best[j]
        W[:, j] = Vh.T @ ((S / (S ** 2 + na ** 2)) * UR[:, j])
    r = score("pearson", Yt, Xt @ W)
    return {
        "alphas": list(alphas), "normalpha": normalpha,
        "folds": {"type": fold_kind, "n": k, **({"trim": 2} if fold_kind == "kfold_trimmed" else {})}, "score": score_kind,
        "cv_scores": scores.tolist(), "best_alphas": best.tolist(), "W": W.tolist(), "test_r": r.tolist(),
        "s_max": float(S[0]),
    }


def main():
    rng = np.random.default_rng(20261127)
    n, p, v, nt = 48, 6, 4, 16
    X = np.round(rng.standard_normal((n + nt, p)), 3)
    B = np.round(rng.standard_normal((p, v)), 3) * np.array([1.0, 0.5, 0.2, 0.0])
    Y = np.round(X @ B + rng.standard_normal((n + nt, v)), 3)
    data = {"X": X[:n].tolist(), "Y": Y[:n].tolist(), "Xt": X[n:].tolist(), "Yt": Y[n:].tolist()}
    cases = [
        fit(X[:n], Y[:n], X[n:], Y[n:], [0.01, 0.1, 1, 10, 100], True, "kfold", 5, "pearson"),
        fit(X[:n], Y[:n], X[n:], Y[n:], [0.01, 0.1, 1, 10, 100], True, "kfold", 5, "litcoder"),
        fit(X[:n], Y[:n], X[n:], Y[n:], [0.3, 3, 30, 300], False, "kfold_trimmed", 4, "r2"),
        fit(X[:n], Y[:n], X[n:], Y[n:], [0.3, 3, 30, 300], False, "timeseries", 3, "huth"),
    ]
    print(json.dumps({
        "_source": "tools/reference/ridge_reference.py (numpy float64 re-expression of LITcoder/Huth; see its docstring)",
        "data": data,
        "cases": cases,
    }, indent=1))


if __name__ == "__main__":
    main()
