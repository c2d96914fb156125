"""CNN training throughput on the CPU: images per second, fp32, NCHW vs channels-last.

One SGD step is forward, backward and update on a batch of real CIFAR-10 images, the
way the chapter trains (:mod:`recipes.cifar_train`). The comparison is the same model in
PyTorch's default NCHW layout; the book's figure is channels-last.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from benchmarks.common import Row
from helpers.data import load_cifar10, to_tensor
from recipes.resnet import build_model, param_count

MODELS = ("resnet8", "resnet20", "resnet56", "resnet18")


def _images_per_second(name: str, channels_last: bool, x: torch.Tensor, y: torch.Tensor,
                       steps: int, repeats: int) -> float:
    torch.manual_seed(0)
    model = build_model(name)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    step()  # warm-up
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * len(x) / (time.perf_counter() - start))
    return statistics.median(rates)


def run(repeats: int = 3, batch_size: int = 64) -> list[Row]:
    data = load_cifar10(n_train=batch_size, n_test=1, verbose=False)
    x, y = to_tensor(data.x_train), torch.from_numpy(data.y_train)
    rows = []
    for name in MODELS:
        steps = 2 if name == "resnet18" else 4
        nchw = _images_per_second(name, False, x, y, steps, repeats)
        last = _images_per_second(name, True, x, y, steps, repeats)
        rows.append(Row(
            "CNN training throughput (CPU, fp32)", f"{name} ({param_count(build_model(name)):,} "
            f"parameters), batch {batch_size}", "images/s", last, comparison=nchw,
            comparison_name="same model, NCHW (default layout)", higher_is_better=True,
            runs=repeats, notes=f"book: channels-last; {steps} steps per run",
        ))
    return rows
