"""What a training run records, stored as JSON and drawn as learning curves.

:class:`History` is written by the GPU recipe (``python -m recipes.cifar_train``) and by
the chapter's CPU experiments; :func:`load_history` reads a stored run back and
:func:`plot_history` draws loss and accuracy against epochs, training next to validation.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..plotting import PALETTE, label

FORMAT = "dlbook-cifar-run/1"
"""Tag written into every JSON run file."""


@dataclass
class History:
    """What a run records: per-step rate and loss, evaluations, timing.

    ``lr`` holds the rate each call of ``optimizer.step()`` used (NaN where the fp16 loss
    scaler skipped a step).
    """

    config: dict[str, Any]
    steps_per_epoch: int
    lr: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    evals: list[dict[str, float]] = field(default_factory=list)
    train_seconds: float = 0.0
    final: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def curve(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(epoch, value) of an evaluation quantity, e.g. ``"val_acc"``."""
        if not self.evals or key not in self.evals[0]:
            known = sorted(self.evals[0]) if self.evals else []
            raise KeyError(f"History.curve(): no quantity {key!r}; recorded: {known}")
        return (np.array([e["epoch"] for e in self.evals]), np.array([e[key] for e in self.evals]))

    def to_json(self, path: str | Path) -> Path:
        """Write the run to ``path`` (folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"format": FORMAT, **asdict(self)}
        path.write_text(json.dumps(record, indent=1), encoding="utf-8")
        return path


def load_history(path: str | Path) -> History:
    """Read a run written by :meth:`History.to_json` (or by the script's ``--out``)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_history(): no run file at {path}")
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("format") != FORMAT:
        raise ValueError(f"load_history(): {path} is not a run file (format {record.get('format')!r}, "
                         f"expected {FORMAT!r})")
    names = {f.name for f in fields(History)}
    return History(**{k: v for k, v in record.items() if k in names})


def plot_history(fig: Figure, runs: dict[str, History], *, title: str = "") -> None:
    """Loss (left) and accuracy (right) against epochs: training solid, validation dashed.

    The training curves are running means over the steps between evaluations (augmented
    images, train mode); the validation curves are evaluations in eval mode.
    """
    if not runs:
        raise ValueError("plot_history(): give at least one run")
    left, right = fig.subplots(1, 2)
    for (name, history), colour in zip(runs.items(), PALETTE):
        for ax, key in ((left, "loss"), (right, "acc")):
            epochs, train_values = history.curve(f"train_{key}")
            _, val_values = history.curve(f"val_{key}")
            ax.plot(epochs, train_values, color=colour, marker="o", markersize=3,
                    label=f"{name}, training")
            ax.plot(epochs, val_values, color=colour, linestyle="--", marker="s", markersize=3,
                    label=f"{name}, validation")
    left.set_yscale("log")
    label(left, title="Cross-entropy loss (log scale)", xlabel="epoch", ylabel="loss")
    chance = right.axhline(0.1, color="black", linestyle=":", linewidth=1, label="chance (10 classes)")
    label(right, title="Accuracy", xlabel="epoch", ylabel="accuracy", legend=False)
    right.legend(handles=[chance])  # the runs' colours and styles are explained on the left
    if title:
        fig.suptitle(title)
