#!/usr/bin/env python3
"""Numpy baseline for bench/simulate.ts: the Monte Carlo liquidation simulator, vectorised.

Model (log price x, x_0 = 0, observed at steps 1..steps, not at step 0), per step of dt years:

    x += (mu - sigma^2/2 - lambda*kappa) dt + sigma sqrt(dt) Z + (sum of N jump sizes)

    Z ~ Normal(0, 1);  N ~ Poisson(lambda dt);  each jump size ~ Normal(mean, stdev);
    kappa = exp(mean + stdev^2/2) - 1, the Merton compensator, so E[S_T] = S_0 e^{mu T}.

That is geometric Brownian motion (dS/S = mu dt + sigma dW, annualised) with Merton jumps, or
plain GBM when "jumps" is null. Given N, a step's jump sum is Normal(N*mean, sqrt(N)*stdev).

For each variant a path is liquidated if at some step x <= liquidationLog (long) or
x >= liquidationLog (short); a margin call likewise with marginCallLog (when not null). The first
liquidation step (1-based) is averaged over the liquidated paths.

Jumps are drawn per path by default ("jumpSampling": "path"): the path's jump count over the horizon
is Poisson(lambda dt steps) and each jump lands in a uniformly chosen step, which gives exactly the
same law as independent Poisson(lambda dt) counts per step at a fraction of the draws. "step" draws
the per-step counts literally (generator.poisson over the whole chunk; a step with N jumps adds
Normal(N mean, sqrt(N) stdev)). The two modes use the random stream differently, so their figures
agree in distribution, not path for path.

Paths are simulated in chunks of `chunk` paths (memory: one chunk x steps float64 array and one of
booleans per process, reused; "step" mode adds the chunk's int64 Poisson counts). Chunk i draws from
Generator(PCG64) seeded by the i-th child of SeedSequence(seed) (SeedSequence.spawn), so results do
not depend on the number of processes.

stdin: one JSON object (see bench/numpy-baseline.ts, NumpyParams); stdout: one JSON object
(NumpyResult). "seconds" is the wall time of the simulation only (worker pool already started).
"""

import json
import math
import sys
import time
from multiprocessing import Pool

import numpy as np

# Set in each process (main or pool worker) before any chunk runs.
_CONFIG = None


_BUFFERS = {}


def _init(config):
    global _CONFIG
    _CONFIG = config


def _buffer(rows, steps, dtype=np.float64):
    """A per-process (rows, steps) array, reused across chunks (no fresh 32 MB allocation each time)."""
    key = (rows, steps, np.dtype(dtype).str)
    if key not in _BUFFERS:
        _BUFFERS[key] = np.empty((rows, steps), dtype=dtype)
    return _BUFFERS[key]


def _chunk_counts(index):
    """Simulate chunk `index`; per variant return [liquidated, sum of first steps, margin calls]."""
    c = _CONFIG
    paths, steps, size = c["paths"], c["steps"], c["chunk"]
    n = min(size, paths - index * size)
    dt = c["dtYears"]
    mu, sigma = c["mu"], c["sigma"]
    jumps = c["jumps"]

    # The index-th child of SeedSequence(seed).spawn(...), without spawning all of them.
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(c["seed"], spawn_key=(index,))))

    lam = jumps["intensity"] if jumps else 0.0
    kappa = math.exp(jumps["mean"] + jumps["stdev"] ** 2 / 2) - 1 if jumps else 0.0
    drift = (mu - sigma * sigma / 2 - lam * kappa) * dt

    x = rng.standard_normal(out=_buffer(size, steps)[:n])
    x *= sigma * math.sqrt(dt)
    x += drift
    if jumps and lam > 0:
        flat = x.reshape(-1)  # a view: x is C-contiguous
        if c["jumpSampling"] == "step":
            # One Poisson count per path-step; given N, the step's jump sum is Normal(N mean, sqrt(N) stdev).
            counts = rng.poisson(lam * dt, size=(n, steps))
            hit = np.flatnonzero(counts)
            k = counts.ravel()[hit].astype(np.float64)
            del counts
            flat[hit] += k * jumps["mean"] + np.sqrt(k) * jumps["stdev"] * rng.standard_normal(hit.size)
        else:
            # Same law, far fewer draws: a path's jump count over all its steps is Poisson(lambda dt steps)
            # and, given that count, each jump falls in a uniformly chosen step independently of the
            # others, which makes the per-step counts independent Poisson(lambda dt) again.
            per_path = rng.poisson(lam * dt * steps, size=n)
            total = int(per_path.sum())
            where = np.repeat(np.arange(n, dtype=np.int64) * steps, per_path) + rng.integers(0, steps, size=total)
            np.add.at(flat, where, rng.normal(jumps["mean"], jumps["stdev"], size=total))
    np.cumsum(x, axis=1, out=x)

    flags = _buffer(size, steps, np.bool_)[:n]
    lows = highs = None
    out = []
    for v in c["variants"]:
        long = v["side"] == "long"
        if long:
            lows = x.min(axis=1) if lows is None else lows
            extreme = lows
        else:
            highs = x.max(axis=1) if highs is None else highs
            extreme = highs
        level = v["liquidationLog"]
        liquidated = np.flatnonzero(extreme <= level if long else extreme >= level)
        step_sum = 0
        if liquidated.size:
            # Comparing the whole chunk at once is cheaper than copying out the liquidated rows.
            crossed = np.less_equal(x, level, out=flags) if long else np.greater_equal(x, level, out=flags)
            step_sum = int(crossed.argmax(axis=1)[liquidated].sum()) + liquidated.size  # steps are 1-based
        calls = 0
        if v.get("marginCallLog") is not None:
            m = v["marginCallLog"]
            calls = int(np.count_nonzero(extreme <= m if long else extreme >= m))
        out.append([int(liquidated.size), step_sum, calls])
    return out


def main():
    params = json.load(sys.stdin)
    config = {
        "paths": int(params["paths"]),
        "steps": int(params["steps"]),
        "dtYears": float(params["dtYears"]),
        "seed": int(params.get("seed", 1)),
        "mu": float(params.get("mu", 0.0)),
        "sigma": float(params["sigma"]),
        "jumps": params.get("jumps"),
        "variants": params["variants"],
        "chunk": int(params.get("chunk", 4096)),
        "jumpSampling": params.get("jumpSampling", "path"),
    }
    processes = int(params.get("processes", 1))
    paths, steps = config["paths"], config["steps"]
    if paths <= 0 or steps <= 0 or config["chunk"] <= 0 or processes <= 0:
        raise ValueError("paths, steps, chunk and processes must be positive")
    if config["jumpSampling"] not in ("path", "step"):
        raise ValueError("jumpSampling must be 'path' or 'step'")
    for v in config["variants"]:
        if v["side"] not in ("long", "short"):
            raise ValueError(f"variant {v.get('name')!r}: side must be 'long' or 'short'")
    chunks = range(-(-paths // config["chunk"]))

    if processes == 1:
        _init(config)
        start = time.perf_counter()
        per_chunk = [_chunk_counts(i) for i in chunks]
        seconds = time.perf_counter() - start
    else:
        with Pool(processes, initializer=_init, initargs=(config,)) as pool:
            start = time.perf_counter()
            per_chunk = pool.map(_chunk_counts, chunks, chunksize=1)
            seconds = time.perf_counter() - start

    variants = []
    for j, v in enumerate(config["variants"]):
        liquidated = sum(counts[j][0] for counts in per_chunk)
        step_sum = sum(counts[j][1] for counts in per_chunk)
        calls = sum(counts[j][2] for counts in per_chunk)
        p = liquidated / paths
        has_call = v.get("marginCallLog") is not None
        q = calls / paths if has_call else None
        variants.append({
            "name": v["name"],
            "liquidation": p,
            "liquidationSE": math.sqrt(p * (1 - p) / paths),
            "marginCall": q,
            "marginCallSE": math.sqrt(q * (1 - q) / paths) if has_call else None,
            "meanLiquidationStep": step_sum / liquidated if liquidated else None,
        })

    path_steps = paths * steps
    json.dump({
        "pathSteps": path_steps,
        "seconds": seconds,
        "perSecond": path_steps / seconds if seconds > 0 else None,
        "processes": processes,
        "variants": variants,
    }, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
