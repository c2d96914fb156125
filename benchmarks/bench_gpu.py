"""GPU time to accuracy: the CIFAR chapter's full-run script with ResNet18 on one GPU.

Runs only where a CUDA GPU is present; elsewhere it reports that it was skipped. On the
full data set it measures the chapter's goal directly (at least 93% test accuracy in at
most 60 s of training). On a smaller offline copy (``DLBOOK_CIFAR10_NPZ``) the accuracy
says little, so the throughput row also gives what that rate implies for the full run.
"""

from __future__ import annotations

import torch

from benchmarks.common import Row
from helpers.runs import History

FULL_TRAIN = 50_000
GROUP = "GPU time to accuracy"


def steady_images_per_second(history: History) -> float:
    """Training images per second from the end of the first epoch on (the first epoch
    includes cuDNN's autotuning); the run needs two evaluations after the first epoch's start."""
    evals = [e for e in history.evals if e["epoch"] >= 1]
    if len(evals) < 2:
        raise ValueError("steady_images_per_second(): the run needs at least two epochs")
    first, last = evals[0], evals[-1]
    images = (last["step"] - first["step"]) * history.config["batch_size"]
    return images / (last["train_seconds"] - first["train_seconds"])


def rows_for(history: History) -> list[Row]:
    """The result rows of one run of the recipe."""
    n_train = history.steps_per_epoch * history.config["batch_size"]
    full = n_train >= FULL_TRAIN - history.config["batch_size"]
    epochs = history.config["epochs"]
    rate = steady_images_per_second(history)
    device = history.info.get("device", "?")
    accuracy = history.final["val_acc"]
    data = history.info.get("data", "")
    time_row = Row(GROUP, f"ResNet18, {epochs} epochs of the chapter's GPU recipe", "s",
                   history.train_seconds, budget="<= 60 s of training to >= 93%",
                   notes=f"test accuracy {accuracy:.4f} on {device}; {data}"
                   + ("" if full else "; not the full data set, so not the goal's measurement"))
    estimate = FULL_TRAIN * epochs / rate
    rate_row = Row(GROUP, "training throughput, ResNet18, bf16, channels-last", "images/s", rate,
                   higher_is_better=True,
                   notes=f"at this rate {epochs} epochs of {FULL_TRAIN:,} images take about "
                         f"{estimate:.0f} s of training")
    return [time_row, rate_row]


def run(repeats: int = 1) -> list[Row]:
    if not torch.cuda.is_available():
        return [Row(GROUP, "ResNet18 to 93% test accuracy (python -m recipes.cifar_train)",
                    "s", None, budget="<= 60 s of training",
                    notes="skipped: no CUDA GPU on this machine")]
    from recipes.cifar_train import TrainConfig, run as train_run

    _, history = train_run(TrainConfig(model="resnet18", device="cuda"), verbose=True)
    return rows_for(history)
