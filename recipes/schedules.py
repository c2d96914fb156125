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

from helpers.validation import integer, number, one_of


class Schedule:
    """Base class: ``schedule(t)`` is the learning rate at step ``t``."""

    def __init__(self, total_steps: int) -> None:
        self.total_steps = integer("total_steps", total_steps, minimum=1)

    def __call__(self, step: int) -> float:
        return self._value(integer("step", step, minimum=0, maximum=self.total_steps - 1))

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
        self.lr = number("lr", lr, positive=True)

    def _value(self, step: int) -> float:
        return self.lr


class Annealed(Schedule):
    """``lr_t = decay * lr_{t-1}`` with ``lr_0 = lr``: ``lr_t = lr * decay**t``."""

    def __init__(self, lr: float, decay: float, total_steps: int) -> None:
        super().__init__(total_steps)
        self.lr = number("lr", lr, positive=True)
        self.decay = number("decay", decay, positive=True, maximum=1)

    @classmethod
    def reaching(cls, lr: float, final_lr: float, total_steps: int) -> "Annealed":
        """The annealed schedule that decays from ``lr`` to ``final_lr`` at the last step."""
        lr = number("lr", lr, positive=True)
        final_lr = number("final_lr", final_lr, positive=True)
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
        self.peak = number("peak", peak, positive=True)
        self.warmup = number("warmup", warmup, minimum=0, maximum=1)
        self.start = number("start", start, minimum=0, maximum=1)
        self.end = number("end", end, minimum=0, maximum=1)
        self.shape = one_of("shape", shape, ("linear", "cosine"))

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
        final = number("final", options.get("final", 0.1), minimum=0, maximum=1)
        return Annealed.reaching(lr, lr * final, total_steps)
    if name == "warmup":
        return WarmupDecay(lr, total_steps, **options)  # type: ignore[arg-type]
    raise ValueError(
        f"make_schedule(): unknown schedule {name!r}; use 'constant', 'annealed' or 'warmup'"
    )


def apply_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set the learning rate of every parameter group of ``optimizer``."""
    lr = number("lr", lr, minimum=0)
    for group in optimizer.param_groups:
        group["lr"] = lr
