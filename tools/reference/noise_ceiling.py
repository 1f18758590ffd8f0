"""Known answers for @voxelwise/core noise-ceiling.ts, computed with numpy/scipy float64.

Transcribes the public reference code:
  * explainable variance: gallantlab/voxelwise_tutorials, voxelwise_tutorials/utils.py,
    `explainable_variance(data, bias_correction, do_zscore)` (data: repeats x times x voxels);
  * signal power, CCmax and CCnorm: OSchoppe/CCnorm, calc_CCnorm.m (Schoppe et al. 2016,
    Front. Comput. Neurosci. 10:10), with MATLAB's `var` (ddof 1) for SP and /T for Var and Cov;
    CCmax = sqrt(SP / Var(y)) is the line calc_CCnorm.m leaves commented out.
Repeats, prediction and values are written to one JSON file.

Usage: python3 tools/reference/noise_ceiling.py > packages/core/test/fixtures/noise-ceiling.json
"""
import json

import numpy as np
import scipy.stats


def explainable_variance(data, bias_correction=True, do_zscore=True):
    if do_zscore:
        data = scipy.stats.zscore(data, axis=1)
    mean_var = data.var(axis=1, dtype=np.float64, ddof=1).mean(axis=0)
    var_mean = data.mean(axis=0).var(axis=0, dtype=np.float64, ddof=1)
    ev = var_mean / mean_var
    if bias_correction:
        n_repeats = data.shape[0]
        ev = ev - (1 - ev) / (n_repeats - 1)
    return ev


def cc_schoppe(R, yhat):
    """calc_CCnorm.m for one voxel: R is N x T, yhat has T values."""
    N, T = R.shape
    y = R.mean(axis=0)
    Vy = np.sum((y - y.mean()) ** 2) / T
    Vyhat = np.sum((yhat - yhat.mean()) ** 2) / T
    Cyyhat = np.sum((y - y.mean()) * (yhat - yhat.mean())) / T
    SP = (np.var(R.sum(axis=0), ddof=1) - np.sum(np.var(R, axis=1, ddof=1))) / (N * (N - 1))
    ccmax = np.sqrt(SP / Vy) if SP > 0 else 0.0
    ccnorm = Cyyhat / np.sqrt(SP * Vyhat) if SP > 0 else float("nan")
    return SP, ccmax, ccnorm


def main():
    rng = np.random.default_rng(13)
    n_rep, T, V = 5, 40, 6
    signal = rng.standard_normal((T, V)) * np.array([0.0, 0.3, 0.7, 1.0, 2.0, 4.0])
    noise_sd = np.array([1.0, 1.0, 1.5, 0.8, 1.0, 0.5])
    # Offsets and scales differ per repeat, so z-scoring matters.
    data = np.stack(
        [2.0 + (1 + 0.1 * n) * (signal + rng.standard_normal((T, V)) * noise_sd) for n in range(n_rep)]
    )
    prediction = signal + rng.standard_normal((T, V)) * 0.5
    out = {
        "source": "tools/reference/noise_ceiling.py (numpy %s, scipy %s)" % (np.__version__, scipy.__version__),
        "shape": [n_rep, T, V],
        "repeats": data.tolist(),
        "prediction": prediction.tolist(),
        "ev_zscore_corrected": explainable_variance(data, True, True).tolist(),
        "ev_zscore_uncorrected": explainable_variance(data, False, True).tolist(),
        "ev_raw_corrected": explainable_variance(data, True, False).tolist(),
        "ev_raw_uncorrected": explainable_variance(data, False, False).tolist(),
    }
    for key, d in (("raw", data), ("zscore", scipy.stats.zscore(data, axis=1))):
        cols = [cc_schoppe(d[:, :, v], prediction[:, v]) for v in range(V)]
        out["signal_power_" + key] = [c[0] for c in cols]
        out["cc_max_" + key] = [c[1] for c in cols]
        # JSON has no NaN: null where calc_CCnorm.m leaves CCnorm undefined (SP <= 0).
        out["cc_norm_" + key] = [None if np.isnan(c[2]) else c[2] for c in cols]
    print(json.dumps(out, allow_nan=False))


if __name__ == "__main__":
    main()
