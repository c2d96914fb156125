"""Parity training, the homework's settings: the book's trainer vs a plain autograd loop.

5 x 10^4 iterations of SGD with momentum (batch 100, rate 1e-3, momentum 0.9) on fresh
batches for d = 5, 10, 30 (k = 10d). The book trains them as its training notebook does
(:func:`helpers.parity.training.train_fast`, d = 5 and 10 in one call, d = 30 in another);
the comparison is the straightforward per-step loop a reader would write
(:func:`helpers.parity.training.train_reference`: nn.Sequential, autograd,
torch.optim.SGD), timed once per d because it is slow.
"""

from __future__ import annotations

import numpy as np
import torch

from benchmarks.common import Row, median_seconds
from helpers.parity.training import TrainConfig, make_run, train_fast, train_reference

DIMENSIONS = (5, 10, 30)


def hinge(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean hinge loss of (B, 1) outputs against (B,) labels."""
    return torch.clamp(1 - output[:, 0] * y, min=0).mean()


def run(repeats: int = 3, iterations: int = 50_000) -> list[Row]:
    config = TrainConfig(iterations=iterations)
    runs = [make_run(d) for d in DIMENSIONS]
    fast, fast_times = median_seconds(
        lambda: (train_fast(runs[:2], config), train_fast(runs[2:], config)), repeats)
    slow_each = [median_seconds(lambda r=r: train_reference(r, hinge, config), 1, warmup=0)[0]
                 for r in runs]
    # the two implementations follow the same trajectory (checked here on a short run too)
    short = TrainConfig(iterations=300)
    for r in runs:
        a = train_fast([r], short)[0].loss
        b = train_reference(r, hinge, short).loss
        if not np.allclose(a, b, atol=1e-4):
            raise AssertionError(f"trajectories differ for d={r.d}: max {np.abs(a - b).max():.2e}")
    return [Row(
        "parity training", f"{iterations:,} iterations x d = 5, 10, 30 (k = 10d, batch 100)", "s",
        fast, comparison=sum(slow_each), comparison_name="per-step torch autograd loop",
        budget="<= 60 s; ratio >= 5x", runs=repeats,
        notes="autograd per d: " + ", ".join(f"{s:.1f} s" for s in slow_each),
        extra={"book_runs_s": fast_times, "autograd_per_d_s": slow_each},
    )]
