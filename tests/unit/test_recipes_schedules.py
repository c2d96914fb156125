"""recipes.schedules: values at known steps, and clear errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from recipes import schedules as sch


def test_constant() -> None:
    schedule = sch.Constant(0.05, 7)
    np.testing.assert_array_equal(schedule.values(), np.full(7, 0.05))


def test_annealed_is_previous_times_decay() -> None:
    schedule = sch.Annealed(0.1, 0.9, 5)
    values = schedule.values()
    np.testing.assert_allclose(values, [0.1, 0.09, 0.081, 0.0729, 0.06561])
    np.testing.assert_allclose(values[1:], 0.9 * values[:-1])
    reaching = sch.Annealed.reaching(0.1, 0.001, 11)
    assert reaching(0) == 0.1 and reaching(10) == pytest.approx(0.001)
    assert reaching.decay == pytest.approx(0.01 ** 0.1)


def test_warmup_linear_is_a_triangle() -> None:
    schedule = sch.WarmupDecay(1.0, 11, warmup=0.2, start=0.1, end=0.0)
    assert schedule.peak_step == 2
    values = schedule.values()
    np.testing.assert_allclose(values[:3], [0.1, 0.55, 1.0])
    np.testing.assert_allclose(values[2:], np.linspace(1.0, 0.0, 9))
    assert np.argmax(values) == 2


def test_warmup_cosine_halfway_and_end() -> None:
    schedule = sch.WarmupDecay(0.4, 21, warmup=0.0, end=0.25, shape="cosine")
    assert schedule(0) == 0.4
    assert schedule(10) == pytest.approx(0.4 * (1 - 0.75 / 2))
    assert schedule(20) == pytest.approx(0.1)
    assert np.all(np.diff(schedule.values()) <= 0)
    assert schedule(5) == pytest.approx(0.4 * (1 - 0.75 * (1 - math.cos(math.pi / 4)) / 2))


def test_make_schedule_and_apply_lr() -> None:
    assert isinstance(sch.make_schedule("constant", 0.1, 3), sch.Constant)
    annealed = sch.make_schedule("annealed", 0.1, 5, final=0.5)
    assert annealed(4) == pytest.approx(0.05)
    assert sch.make_schedule("annealed", 0.1, 5, decay=0.5)(2) == pytest.approx(0.025)
    warm = sch.make_schedule("warmup", 0.2, 10, warmup=0.5, start=0.0)
    assert warm(0) == 0.0 and warm.peak == 0.2
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=1.0)
    sch.apply_lr(optimizer, 0.125)
    assert optimizer.param_groups[0]["lr"] == 0.125


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: sch.Constant(0.1, 0), ValueError, "total_steps must be at least 1"),
        (lambda: sch.Constant(0.1, 2.0), TypeError, "total_steps must be an int"),
        (lambda: sch.Constant(-0.1, 3), ValueError, "lr must be positive, got -0.1"),
        (lambda: sch.Constant("0.1", 3), TypeError, "lr must be a number"),
        (lambda: sch.Constant(0.1, 3)(3), ValueError, "step must be at most 2, got 3"),
        (lambda: sch.Constant(0.1, 3)(1.0), TypeError, "step must be an int"),
        (lambda: sch.Annealed(0.1, 1.5, 3), ValueError, "decay must be at most 1, got 1.5"),
        (lambda: sch.Annealed.reaching(0.1, 0.2, 3), ValueError, "must not exceed"),
        (lambda: sch.WarmupDecay(0.1, 5, warmup=1.5), ValueError, "warmup must be at most 1, got 1.5"),
        (lambda: sch.WarmupDecay(0.1, 5, shape="step"), ValueError, "shape must be"),
        (lambda: sch.make_schedule("cyclic", 0.1, 5), ValueError, "unknown schedule 'cyclic'"),
        (lambda: sch.make_schedule("constant", 0.1, 5, decay=0.5), ValueError, "takes no options"),
        (lambda: sch.make_schedule("annealed", 0.1, 5, decay=0.5, final=0.1), ValueError, "decay= or final="),
    ],
)
def test_bad_input_is_named(call, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        call()
