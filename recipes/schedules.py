"""The GPU recipe's learning-rate schedules: the rate as a function of the optimisation step.

* :class:`Constant`: ``lr_t = lr``.
* :class:`Annealed`: ``lr_t = decay * lr_{t-1}``, that is ``lr_t = lr * decay**t``.
* :class:`WarmupDecay`: a linear warm-up from ``start * peak`` to ``peak`` over the first
  ``warmup`` fraction of the run, then a linear (``shape="linear"``: together a triangle)
  or cosine decay to ``end * peak`` at the last step (the recipe's default).

Every schedule is called with a step ``t`` in ``0 .. total_steps - 1`` (one step per
mini-batch) and :meth:`Schedule.values` lists the whole run. :func:`apply_lr` writes a
value into a torch optimizer. (The chapter's students write the homework's own schemes,
functions of the current rate, the epoch and the batch; this module is not installed
with ``helpers``.)
"""

from __future__ import annotations

import math

import numpy as np
import torch


def _check_positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        expected = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {expected} number, got {value!r}")
    return value


def _check_fraction(name: str, value: object) -> float:
    value = _check_positive(name, value, allow_zero=True)
    if value > 1:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return value


class Schedule:
    """Base class: ``schedule(t)`` is the learning rate at step ``t``."""

    def __init__(self, total_steps: int) -> None:
        if isinstance(total_steps, bool) or not isinstance(total_steps, (int, np.integer)):
            raise TypeError(f"total_steps must be an int, got {type(total_steps).__name__}")
        if total_steps < 1:
            raise ValueError(f"total_steps must be at least 1, got {total_steps}")
        self.total_steps = int(total_steps)

    def _check_step(self, step: object) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"step must be an int, got {type(step).__name__}")
        if not 0 <= step < self.total_steps:
            raise ValueError(f"step must lie in 0..{self.total_steps - 1}, got {step}")
        return int(step)

    def __call__(self, step: int) -> float:
        return self._value(self._check_step(step))

    def _value(self, step: int) -> float:
        raise NotImplementedError

    def values(self) -> np.ndarray:
        """The learning rate at every step of the run."""
        return np.array([self._value(t) for t in range(self.total_steps)])

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


class Constant(Schedule):
    """``lr_t = lr`` at every step."""

    def __init__(self, lr: float, total_steps: int) -> None:
        super().__init__(total_steps)
        self.lr = _check_positive("lr", lr)

    def _value(self, step: int) -> float:
        return self.lr


class Annealed(Schedule):
    """``lr_t = decay * lr_{t-1}`` with ``lr_0 = lr``: ``lr_t = lr * decay**t``."""

    def __init__(self, lr: float, decay: float, total_steps: int) -> None:
        super().__init__(total_steps)
        self.lr = _check_positive("lr", lr)
        self.decay = _check_positive("decay", decay)
        if self.decay > 1:
            raise ValueError(f"decay must lie in (0, 1] for an annealed schedule, got {decay!r}")

    @classmethod
    def reaching(cls, lr: float, final_lr: float, total_steps: int) -> "Annealed":
        """The annealed schedule that decays from ``lr`` to ``final_lr`` at the last step."""
        lr = _check_positive("lr", lr)
        final_lr = _check_positive("final_lr", final_lr)
        if final_lr > lr:
            raise ValueError(f"final_lr ({final_lr}) must not exceed lr ({lr})")
        steps = max(int(total_steps) - 1, 1)
        return cls(lr, (final_lr / lr) ** (1.0 / steps), total_steps)

    def _value(self, step: int) -> float:
        return self.lr * self.decay**step


class WarmupDecay(Schedule):
    """Linear warm-up to ``peak``, then linear or cosine decay.

    The rate rises linearly from ``start * peak`` at step 0 to ``peak`` at step
    ``round(warmup * (total_steps - 1))`` and then falls (linearly or along half a cosine)
    to ``end * peak`` at the last step ``total_steps - 1``.
    """

    def __init__(self, peak: float, total_steps: int, *, warmup: float = 0.2,
                 start: float = 0.1, end: float = 0.0, shape: str = "linear") -> None:
        super().__init__(total_steps)
        self.peak = _check_positive("peak", peak)
        self.warmup = _check_fraction("warmup", warmup)
        self.start = _check_fraction("start", start)
        self.end = _check_fraction("end", end)
        if shape not in ("linear", "cosine"):
            raise ValueError(f"shape must be 'linear' or 'cosine', got {shape!r}")
        self.shape = shape

    @property
    def peak_step(self) -> int:
        """The step at which the rate is largest."""
        return int(round(self.warmup * (self.total_steps - 1)))

    def _value(self, step: int) -> float:
        top, last = self.peak_step, self.total_steps - 1
        if step < top:
            return self.peak * (self.start + (1 - self.start) * step / top)
        if step == top or last == top:
            return self.peak
        progress = (step - top) / (last - top)
        fall = progress if self.shape == "linear" else (1 - math.cos(math.pi * progress)) / 2
        return self.peak * (1 - (1 - self.end) * fall)


def make_schedule(name: str, lr: float, total_steps: int, **options: float | str) -> Schedule:
    """A schedule by name: ``"constant"``, ``"annealed"`` or ``"warmup"``.

    ``"annealed"`` takes ``decay`` or ``final`` (the last rate as a fraction of ``lr``,
    default 0.1); ``"warmup"`` takes the options of :class:`WarmupDecay`, with ``lr`` as
    its peak.
    """
    if name == "constant":
        if options:
            raise ValueError(f"make_schedule(): 'constant' takes no options, got {sorted(options)}")
        return Constant(lr, total_steps)
    if name == "annealed":
        unknown = set(options) - {"decay", "final"}
        if unknown or len(options) > 1:
            raise ValueError(
                f"make_schedule(): 'annealed' takes decay= or final=, got {sorted(options)}"
            )
        if "decay" in options:
            return Annealed(lr, float(options["decay"]), total_steps)
        final = _check_fraction("final", options.get("final", 0.1))
        return Annealed.reaching(lr, lr * final, total_steps)
    if name == "warmup":
        return WarmupDecay(lr, total_steps, **options)  # type: ignore[arg-type]
    raise ValueError(
        f"make_schedule(): unknown schedule {name!r}; use 'constant', 'annealed' or 'warmup'"
    )


def apply_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set the learning rate of every parameter group of ``optimizer``."""
    lr = _check_positive("lr", lr, allow_zero=True)
    for group in optimizer.param_groups:
        group["lr"] = lr
