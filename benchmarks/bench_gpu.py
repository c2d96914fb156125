"""GPU time to accuracy: the chapter's full-run script, seconds to 93% test accuracy (ResNet18).

Runs only where a CUDA GPU is present; elsewhere it reports that it was skipped.
"""

from __future__ import annotations

import torch

from benchmarks.common import Row


def run(repeats: int = 1) -> list[Row]:
    if not torch.cuda.is_available():
        return [Row("GPU time to accuracy", "ResNet18 to 93% test accuracy (helpers.cifar_train)",
                    "s", None, budget="<= 60 s of training",
                    notes="skipped: no CUDA GPU on this machine")]
    from helpers.cifar_train import TrainConfig, run as train_run

    _, history = train_run(TrainConfig(model="resnet18", device="cuda"), verbose=True)
    accuracy = history.final["val_acc"]
    return [Row("GPU time to accuracy", "ResNet18, the chapter's GPU recipe", "s",
                history.train_seconds, budget="<= 60 s of training to >= 93%",
                notes=f"test accuracy {accuracy:.4f} on {torch.cuda.get_device_name(0)}")]
