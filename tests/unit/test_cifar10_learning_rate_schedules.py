"""helpers.cifar10.learning_rate_schedules: the tiny problem, the recording scheme, step rates."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from helpers.cifar10 import learning_rate_schedules as lrs


def test_tiny_problem_is_fixed() -> None:
    first, batches = lrs.tiny_problem()
    second, again = lrs.tiny_problem()
    assert len(batches) == 3 and batches[0][0].shape == (5, 4) and batches[0][1].shape == (5,)
    torch.testing.assert_close(first.weight, second.weight)
    for (x, y), (x2, y2) in zip(batches, again):
        torch.testing.assert_close(x, x2)
        assert torch.equal(y, y2) and int(y.max()) < 3
    with pytest.raises(ValueError, match=r"tiny_problem\(\): n_batches must be at least 1, got 0"):
        lrs.tiny_problem(0)


def test_recording_keeps_every_call() -> None:
    scheme, calls = lrs.recording(lambda lr, epoch, batch, n: lr / 2)
    assert scheme(0.5, 1, 2, 3) == 0.25
    assert calls == [(0.5, 1, 2, 3)]
    with pytest.raises(TypeError, match="callable"):
        lrs.recording(0.1)


def test_step_rates_are_the_rates_the_steps_used() -> None:
    model, batches = lrs.tiny_problem()
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    with lrs.StepRates(optimizer) as steps:
        for rate, (x, y) in zip((0.1, 0.2, 0.3), batches):
            optimizer.param_groups[0]["lr"] = rate
            optimizer.zero_grad()
            F.cross_entropy(model(x), y).backward()
            optimizer.step()
        optimizer.param_groups[0]["lr"] = 0.9  # set after the last step: not a step's rate
    optimizer.step()  # outside the block: not recorded
    assert steps.rates == pytest.approx([0.1, 0.2, 0.3])
    with pytest.raises(TypeError, match="torch optimizer"):
        lrs.StepRates(model)
