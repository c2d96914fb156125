"""benchmarks.bench_gpu: the rows it reports from a run of the GPU recipe."""

from __future__ import annotations

import pytest

from benchmarks.bench_gpu import rows_for
from helpers.cifar10.gpu_run import steady_images_per_second
from helpers.runs import History


def run_of(n_train: int, epochs: int, seconds_per_epoch: list[float]) -> History:
    batch = 500
    steps = n_train // batch
    elapsed = [sum(seconds_per_epoch[:k + 1]) for k in range(epochs)]
    return History(config={"batch_size": batch, "epochs": epochs}, steps_per_epoch=steps,
                   evals=[{"epoch": k + 1.0, "step": (k + 1) * steps, "train_seconds": t}
                          for k, t in enumerate(elapsed)],
                   train_seconds=elapsed[-1], final={"val_acc": 0.935},
                   info={"device": "GPU", "data": "data: full"})


def test_throughput_leaves_out_the_first_epoch() -> None:
    history = run_of(50_000, 3, [10.0, 2.0, 2.0])  # the first epoch autotunes
    assert steady_images_per_second(history) == pytest.approx(2 * 50_000 / 4.0)
    with pytest.raises(ValueError, match="at least two epochs"):
        steady_images_per_second(run_of(50_000, 1, [3.0]))


def test_rows_say_whether_the_run_measured_the_goal() -> None:
    full, rate = rows_for(run_of(50_000, 20, [5.0] + [2.5] * 19))
    assert full.book == pytest.approx(52.5) and "not the full data set" not in full.notes
    assert rate.book == pytest.approx(20_000) and "about 50 s" in rate.notes and "takes 2.5 s" in rate.notes
    small, _ = rows_for(run_of(5_000, 20, [1.0] * 20))
    assert "not the full data set" in small.notes


def test_rows_say_when_a_stored_run_was_measured() -> None:
    _, rate = rows_for(run_of(5_000, 20, [1.0] * 20), " (stored measurement: GPU, 2026-12-04)")
    assert rate.notes.endswith("(stored measurement: GPU, 2026-12-04)")
