"""What ``05_cifar10/04_learning_rate_schedules`` checks its students' training step with.

The homework's schemes are functions ``scheme(lr, epoch, batch, n_batches)`` of the
current rate, the epoch, the batch index and the number of batches per epoch, called
before every optimiser step. The students write the schemes and the epoch loop that calls
them; these tools watch such a loop on a tiny fixed problem: :func:`tiny_problem` (a
linear model with fixed weights and three fixed batches), :func:`recording` (a scheme
that remembers how it was called) and :class:`StepRates` (the rate every
``optimizer.step()`` actually used). They compute no scheme and run no epoch themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import torch
from torch import nn

from ..validation import integer

Scheme = Callable[[float, int, int, int], float]


def tiny_problem(n_batches: int = 3, batch_size: int = 5) -> tuple[nn.Module, list[tuple[torch.Tensor, torch.Tensor]]]:
    """A ``Linear(4, 3)`` with fixed weights and ``n_batches`` fixed batches of (x, labels)."""
    n_batches = integer("tiny_problem(): n_batches", n_batches, minimum=1)
    batch_size = integer("tiny_problem(): batch_size", batch_size, minimum=1)
    model = nn.Linear(4, 3)
    with torch.no_grad():
        model.weight.copy_(torch.linspace(-0.5, 0.6, 12).view(3, 4))
        model.bias.copy_(torch.tensor([0.1, -0.2, 0.05]))
    count = n_batches * batch_size
    x = torch.sin(torch.arange(count * 4, dtype=torch.float32) * 0.9).view(count, 4)
    y = torch.arange(count) * 7 % 3
    batches = [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, count, batch_size)]
    return model, batches


def recording(scheme: Scheme) -> tuple[Scheme, list[tuple[float, int, int, int]]]:
    """``scheme`` wrapped so that every call's arguments ``(lr, epoch, batch, n_batches)`` are kept."""
    if not callable(scheme):
        raise TypeError(f"recording(): scheme must be callable, got {type(scheme).__name__}")
    calls: list[tuple[float, int, int, int]] = []

    def recorded(lr: float, epoch: int, batch: int, n_batches: int) -> float:
        calls.append((float(lr), int(epoch), int(batch), int(n_batches)))
        return scheme(lr, epoch, batch, n_batches)

    return recorded, calls


class StepRates:
    """``with StepRates(optimizer) as steps:`` records the rate of every ``optimizer.step()``
    (read inside the step, so it is the rate the update used) in ``steps.rates``."""

    def __init__(self, optimizer: torch.optim.Optimizer) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(f"StepRates(): optimizer must be a torch optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.rates: list[float] = []

    def __enter__(self) -> StepRates:
        self._hook = self.optimizer.register_step_pre_hook(
            lambda optimizer, args, kwargs: self.rates.append(float(optimizer.param_groups[0]["lr"])))
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._hook.remove()
