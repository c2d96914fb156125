"""The chapter's GPU recipe, measured: stored runs of ``python -m recipes.cifar_train`` on a
GPU, labelled with the device, the software, the data and the date, and what their
training rate implies for the full data set (``05_cifar10/04_learning_rate_schedules``).

A measurement is a folder holding ``gpu_measurement.json`` (the label, the runs' file names
and the summary :func:`summary` computed from them when they were stored) and one JSON file
per run (:class:`helpers.runs.History`). ``python -m benchmarks.bench_gpu store`` writes it;
the chapter's is :data:`STORED`, inside the package, so a notebook in Colab finds it too.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..runs import History, load_history

STORED = Path(__file__).resolve().parent / "data"
"""The chapter's measurement (package data)."""
FULL_TRAIN = 50_000
"""Training images in the full CIFAR-10 set."""
LABEL_FILE = "gpu_measurement.json"
LABEL_FIELDS = ("device", "software", "date", "data", "command")


def steady_images_per_second(history: History) -> float:
    """Training images per second from the end of the first epoch on (the first epoch
    includes cuDNN's autotuning); the run needs two evaluations after the first epoch's start."""
    evals = [e for e in history.evals if e["epoch"] >= 1]
    if len(evals) < 2:
        raise ValueError("steady_images_per_second(): the run needs at least two epochs")
    first, last = evals[0], evals[-1]
    images = (last["step"] - first["step"]) * history.config["batch_size"]
    return images / (last["train_seconds"] - first["train_seconds"])


@dataclass(frozen=True)
class Implied:
    """One run's rate and what it implies for :data:`FULL_TRAIN` images."""

    images_per_second: float
    epoch_seconds: float  # one epoch of the full set at that rate
    full_run_seconds: float  # the run's number of epochs of the full set
    train_seconds: float  # what the run itself took, first epoch included
    accuracy: float  # the headline accuracy on the data the run had


def implied(history: History) -> Implied:
    rate = steady_images_per_second(history)
    return Implied(rate, FULL_TRAIN / rate, FULL_TRAIN * history.config["epochs"] / rate,
                   history.train_seconds, history.final["val_acc"])


@dataclass(frozen=True)
class GpuMeasurement:
    """A stored measurement: its label and its runs (file name -> run)."""

    label: dict[str, str]
    runs: dict[str, History]
    stored_summary: dict[str, dict[str, float]]

    def summary(self) -> dict[str, dict[str, float]]:
        """:class:`Implied` of every run, as stored (recomputed from the runs)."""
        return {name: asdict(implied(run)) for name, run in self.runs.items()}


def load_gpu_measurement(folder: str | Path = STORED) -> GpuMeasurement | None:
    """The measurement stored in ``folder`` (the chapter's by default), or None if there is none."""
    path = Path(folder) / LABEL_FILE
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    missing = [k for k in (*LABEL_FIELDS, "runs", "summary") if k not in data]
    if missing:
        raise ValueError(f"{path}: the measurement lacks {missing}")
    runs = {name: load_history(Path(folder) / name) for name in data["runs"]}
    return GpuMeasurement({k: data[k] for k in LABEL_FIELDS}, runs, data["summary"])


def store_gpu_measurement(folder: str | Path, runs: dict[str, History], **label: str) -> Path:
    """Write the runs and their label into ``folder``; the label file's path."""
    missing = [k for k in LABEL_FIELDS if not label.get(k)]
    if missing or set(label) - set(LABEL_FIELDS):
        raise ValueError(f"store_gpu_measurement(): the label needs exactly {list(LABEL_FIELDS)}; "
                         f"missing {missing}")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, run in runs.items():
        run.to_json(target / name)
    measurement = GpuMeasurement(dict(label), runs, {})
    data = {**label, "runs": list(runs), "summary": measurement.summary()}
    path = target / LABEL_FILE
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path
