"""What a training run records, stored as JSON and drawn as learning curves.

:class:`History` is the record of every trainer in the book: the hand-written MLP of
``03_backprop/03_mlp_from_scratch`` (one :meth:`History.append` per epoch), the CPU
experiments of ``05_cifar10`` and the GPU recipe (``python -m recipes.cifar_train``).
:meth:`History.to_json` and :func:`load_history` store and read a run; :func:`plot_history`
draws loss and accuracy against epochs, training solid and validation dashed, worded and
marked as a :class:`CurveStyle` says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .plotting import PALETTE, label

FORMAT = "dlbook-cifar-run/1"
"""Tag written into every JSON run file."""


@dataclass
class History:
    """What a run records: evaluations, and where the trainer counts them, steps and timing.

    ``evals`` holds one dict per evaluation: its ``"epoch"`` and quantities such as
    ``"train_loss"`` (the mean over the steps since the previous evaluation),
    ``"train_acc"``, ``"val_loss"`` and ``"val_acc"``. ``lr`` and ``loss`` hold the rate and
    the loss of every optimiser step (the rate NaN where the fp16 loss scaler skipped a
    step); they stay empty, and ``steps_per_epoch`` 0, for a trainer that records whole
    epochs only.
    """

    config: dict[str, Any] = field(default_factory=dict)
    steps_per_epoch: int = 0
    lr: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    evals: list[dict[str, float]] = field(default_factory=list)
    train_seconds: float = 0.0
    final: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def append(self, train_loss: float, train_accuracy: float, val_accuracy: float) -> None:
        """Record one more epoch: its mean training loss and the two accuracies (fractions in [0, 1])."""
        for name, value in (("train_accuracy", train_accuracy), ("val_accuracy", val_accuracy)):
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be a fraction in [0, 1], got {value!r}")
        self.evals.append({"epoch": float(len(self.evals) + 1), "train_loss": float(train_loss),
                           "train_acc": float(train_accuracy), "val_acc": float(val_accuracy)})

    def curve(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(epoch, value) of an evaluation quantity, e.g. ``"val_acc"``."""
        if not self.evals or key not in self.evals[0]:
            known = sorted(self.evals[0]) if self.evals else []
            raise KeyError(f"History.curve(): no quantity {key!r}; recorded: {known}")
        return (np.array([e["epoch"] for e in self.evals]), np.array([e[key] for e in self.evals]))

    @property
    def train_loss(self) -> list[float]:
        """The training loss of every evaluation."""
        return [e["train_loss"] for e in self.evals]

    @property
    def train_accuracy(self) -> list[float]:
        """The training accuracy of every evaluation."""
        return [e["train_acc"] for e in self.evals]

    @property
    def val_accuracy(self) -> list[float]:
        """The validation accuracy of every evaluation."""
        return [e["val_acc"] for e in self.evals]

    @property
    def gap(self) -> float:
        """Final training accuracy minus final validation accuracy."""
        if not self.evals:
            raise ValueError("History is empty: no epoch recorded yet")
        return self.evals[-1]["train_acc"] - self.evals[-1]["val_acc"]

    def to_json(self, path: str | Path) -> Path:
        """Write the run to ``path`` (folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"format": FORMAT, **asdict(self)}
        path.write_text(json.dumps(record, indent=1), encoding="utf-8")
        return path


def load_history(path: str | Path) -> History:
    """Read a run written by :meth:`History.to_json` (or by the recipe's ``--out``)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_history(): no run file at {path}")
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("format") != FORMAT:
        raise ValueError(f"load_history(): {path} is not a run file (format {record.get('format')!r}, "
                         f"expected {FORMAT!r})")
    names = {f.name for f in fields(History)}
    return History(**{k: v for k, v in record.items() if k in names})


@dataclass(frozen=True)
class CurveStyle:
    """How :func:`plot_history` words and marks its two panels."""

    loss_title: str
    loss_label: str
    accuracy_label: str
    separator: str
    """Between a run's name and "training" or "validation" in a legend."""
    log_loss: bool
    markers: bool
    """A mark at every evaluation."""
    chance: float | None
    """A dotted line at this accuracy, then the only entry of the accuracy legend."""


DETAILED_CURVES = CurveStyle("Cross-entropy loss (log scale)", "loss", "accuracy", ", ",
                             log_loss=True, markers=True, chance=0.1)
"""Log-scale loss, a mark per evaluation, the chance line of ten classes (chapter 5)."""
SIMPLE_CURVES = CurveStyle("Training loss (mean over each epoch)", "cross-entropy", "fraction correct", ": ",
                           log_loss=False, markers=False, chance=None)
"""Plain lines and both legends (chapter 3's first training curves)."""


def plot_history(fig: Figure, runs: Mapping[str, History], *, title: str = "",
                 style: CurveStyle = DETAILED_CURVES) -> None:
    """Loss (left) and accuracy (right) against epochs: training solid, validation dashed.

    A run's validation loss is drawn where it was recorded; a run has one colour in both
    panels. ``title`` goes above both.
    """
    if not runs or not all(isinstance(h, History) and h.evals for h in runs.values()):
        raise ValueError("plot_history(): give at least one run, a mapping of name -> History "
                         "with recorded evaluations")
    left, right = fig.subplots(1, 2)
    for k, (name, history) in enumerate(runs.items()):
        colour = PALETTE[k % len(PALETTE)]
        for ax, key in ((left, "loss"), (right, "acc")):
            kinds = [kind for kind in ("train", "val") if f"{kind}_{key}" in history.evals[0]]
            for kind in kinds:
                words = "training" if kind == "train" else "validation"
                ax.plot(*history.curve(f"{kind}_{key}"), color=colour,
                        linestyle="-" if kind == "train" else "--",
                        marker=("o" if kind == "train" else "s") if style.markers else None, markersize=3,
                        label=f"{name}{style.separator}{words}" if len(kinds) > 1 else name)
    for ax in (left, right):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if style.log_loss:
        left.set_yscale("log")
    label(left, title=style.loss_title, xlabel="epoch", ylabel=style.loss_label)
    right.set_ylim(0, 1)
    if style.chance is None:
        label(right, title="Accuracy", xlabel="epoch", ylabel=style.accuracy_label)
    else:
        chance = right.axhline(style.chance, color="black", linestyle=":", linewidth=1,
                               label=f"chance ({round(1 / style.chance)} classes)")
        label(right, title="Accuracy", xlabel="epoch", ylabel=style.accuracy_label, legend=False)
        right.legend(handles=[chance])  # the runs' colours and styles are explained on the left
    if title:
        fig.suptitle(title)
