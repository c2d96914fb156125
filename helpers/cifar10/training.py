"""A small trainer for the chapter's CPU experiments, and evaluation in either mode.

:func:`fit` trains a model with SGD (momentum, weight decay, a rate that falls linearly
to zero) on batches that the caller's ``batches`` function draws every epoch (in
``05_cifar10/03_augmentation`` the students' own augmented batches), and evaluates it on
the validation images after every epoch. :func:`evaluate` measures loss and accuracy in
eval mode or, to show the homework starter's quirk, in training mode.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
from torch import nn

from ..progress import progress
from ..validation import integer, number, tensor
from ..runs import History

Batches = Callable[..., Iterable[tuple[torch.Tensor, torch.Tensor]]]
"""``batches(images, labels, batch_size, augment, generator)``: one epoch of (x, y) batches."""


def _check_data(name: str, images: object, labels: object) -> None:
    count = len(tensor(f"{name}: images", images, ndim=4, axes="(N, C, H, W)"))
    if tensor(f"{name}: labels", labels).shape != (count,):
        raise ValueError(f"{name}: labels must be a tensor of shape ({count},), got {tuple(labels.shape)}")


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
             batch_size: int = 1000, train_mode: bool = False) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``images``, without gradients.

    In eval mode (the default) batch norm uses its running statistics. ``train_mode=True``
    evaluates as the homework's starter code does: batch norm normalises every batch with
    its own statistics and updates the running ones. The model's mode is restored.
    """
    _check_data("evaluate()", images, labels)
    was_training = model.training
    model.train(train_mode)
    total, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(images[start:start + batch_size])
            y = labels[start:start + batch_size]
            total += float(F.cross_entropy(logits, y, reduction="sum"))
            correct += int((logits.argmax(1) == y).sum())
    model.train(was_training)
    return total / len(images), correct / len(images)


def fit(model: nn.Module, train: tuple[torch.Tensor, torch.Tensor], val: tuple[torch.Tensor, torch.Tensor], *,
        batches: Batches, epochs: int, batch_size: int, lr: float, momentum: float = 0.9,
        weight_decay: float = 5e-4, augment: Callable[..., torch.Tensor] | None = None,
        seed: int = 0, desc: str = "training") -> History:
    """Train ``model`` in place and return its :class:`~helpers.runs.History`.

    Every epoch calls ``batches(images, labels, batch_size, augment, generator)`` with one
    ``torch.Generator`` seeded by ``seed``; the rate falls linearly from ``lr`` to 0 over
    the run (a ``LambdaLR`` scheduler stepped after every optimiser step). After each
    epoch the validation set is evaluated in eval mode; the recorded training loss and
    accuracy are means over the epoch's batches.
    """
    _check_data("fit(): train", *train)
    _check_data("fit(): val", *val)
    integer("fit(): epochs", epochs, minimum=1)
    integer("fit(): batch_size", batch_size, minimum=1)
    number("fit(): lr", lr, positive=True)
    images, labels = train
    steps_per_epoch = len(images) // min(batch_size, len(images))
    total = epochs * steps_per_epoch
    generator = torch.Generator(device=images.device).manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    falling = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1 - step / total))
    history = History(config={"epochs": epochs, "batch_size": batch_size, "lr": lr, "momentum": momentum,
                              "weight_decay": weight_decay, "augment": augment is not None, "seed": seed},
                      steps_per_epoch=steps_per_epoch)
    model.train()
    bar = progress(total=total, desc=desc)
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        losses, hits, seen = [], 0, 0
        for x, y in batches(images, labels, batch_size, augment, generator):
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            history.lr.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            falling.step()
            history.loss.append(float(loss.detach()))
            losses.append(history.loss[-1])
            hits += int((logits.detach().argmax(1) == y).sum())
            seen += len(y)
            bar.update(1)
        if not losses:
            raise ValueError("fit(): the batches function gave no batch in an epoch")
        history.train_seconds += time.perf_counter() - started
        val_loss, val_acc = evaluate(model, *val)
        history.evals.append({"epoch": float(epoch), "step": len(history.loss),
                              "train_loss": sum(losses) / len(losses), "train_acc": hits / seen,
                              "val_loss": val_loss, "val_acc": val_acc})
        bar.set_postfix(loss=f"{history.evals[-1]['train_loss']:.3f}", val_acc=f"{val_acc:.3f}")
    bar.close()
    return history
