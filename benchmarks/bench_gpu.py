"""GPU time to accuracy: the CIFAR chapter's recipe with ResNet18 on one GPU.

Where a CUDA GPU is present, it runs the recipe (``recipes.cifar_train``). On the full data
set that measures the chapter's goal directly (at least 93% test accuracy in at most 60 s of
training); on a smaller offline copy (``DLBOOK_CIFAR10_NPZ``) the accuracy says little, so the
throughput row also gives what that rate implies for the full run. Elsewhere it reports the
measurement stored with the chapter (``helpers/cifar10/data``, labelled with its device,
data and date), next to this machine's CPU running the same model.

``python -m benchmarks.bench_gpu store RUN.json ... --device ... --software ... --date ...
--data ... --command ...`` stores runs made on a GPU as the chapter's measurement.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from benchmarks.common import Row
from helpers.cifar10.gpu_run import (FULL_TRAIN, LABEL_FIELDS, STORED, implied,
                                     load_gpu_measurement, store_gpu_measurement)
from helpers.runs import History, load_history

GROUP = "GPU time to accuracy"


def rows_for(history: History, where: str = "") -> list[Row]:
    """The result rows of one run of the recipe (``where``: a note on when it was measured)."""
    n_train = history.steps_per_epoch * history.config["batch_size"]
    full = n_train >= FULL_TRAIN - history.config["batch_size"]
    epochs = history.config["epochs"]
    run = implied(history)
    device = history.info.get("device", "?")
    data = history.info.get("data", "")
    time_row = Row(GROUP, f"ResNet18, {epochs} epochs of the chapter's GPU recipe", "s",
                   history.train_seconds, budget="<= 60 s of training to >= 93%",
                   notes=f"test accuracy {run.accuracy:.4f} on {device}; {data}"
                   + ("" if full else "; not the full data set, so not the goal's measurement")
                   + where)
    rate_row = Row(GROUP, "training throughput, ResNet18, bf16, channels-last", "images/s",
                   run.images_per_second, higher_is_better=True,
                   notes=f"at this rate one epoch of {FULL_TRAIN:,} images takes {run.epoch_seconds:.1f} s "
                         f"and {epochs} epochs about {run.full_run_seconds:.0f} s of training" + where)
    return [time_row, rate_row]


def _cpu_images_per_second(repeats: int) -> float:
    """This machine's CPU training the same ResNet18 (fp32, channels-last, batch 64)."""
    from benchmarks.bench_cnn import _images_per_second
    from helpers.data import load_cifar10, to_tensor

    data = load_cifar10(n_train=64, n_test=1, verbose=False)
    x, y = to_tensor(data.x_train), torch.from_numpy(data.y_train)
    return _images_per_second("resnet18", True, x, y, steps=2, repeats=repeats)


def run(repeats: int = 1) -> list[Row]:
    if torch.cuda.is_available():
        from recipes.cifar_train import TrainConfig
        from recipes.cifar_train import run as train_run

        _, history = train_run(TrainConfig(model="resnet18", device="cuda"), verbose=True)
        return rows_for(history)
    measurement = load_gpu_measurement()
    if measurement is None:
        return [Row(GROUP, "ResNet18 to 93% test accuracy (python -m recipes.cifar_train)",
                    "s", None, budget="<= 60 s of training",
                    notes="skipped: no CUDA GPU on this machine and no stored measurement")]
    label = measurement.label
    where = f" (stored measurement: {label['device']}, {label['date']}; not measured in this run)"
    rows = [row for history in measurement.runs.values() for row in rows_for(history, where)]
    cpu = _cpu_images_per_second(max(repeats, 1))
    for row in rows:
        if row.unit == "images/s":
            row.comparison, row.comparison_name = cpu, "this machine's CPU, same ResNet18, fp32, batch 64"
    return rows


def _store(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_gpu store",
                                     description="store GPU runs of the recipe as the chapter's measurement")
    parser.add_argument("runs", nargs="+", type=Path, help="JSON files written by recipes.cifar_train --out")
    for name in LABEL_FIELDS:
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--folder", type=Path, default=STORED)
    args = parser.parse_args(argv)
    runs = {path.name: load_history(path) for path in args.runs}
    path = store_gpu_measurement(args.folder, runs, **{k: getattr(args, k) for k in LABEL_FIELDS})
    print(f"stored {len(runs)} runs and {path}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["store"]:
        print("usage: python -m benchmarks.bench_gpu store RUN.json ... --device ... (see --help)")
        sys.exit(2)
    sys.exit(_store(sys.argv[2:]))
