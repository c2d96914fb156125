"""The GPU recipe: train a ResNet on CIFAR-10 fast, and record what happened.

Run it from a clone of the book (this package is not installed with ``helpers``)::

    python -m recipes.cifar_train --model resnet18 --device cuda --out run.json

It keeps the whole data set on the device and augments it there in batches
(:mod:`recipes.augment`: random reflect-padded crops, flips, cutout), trains in mixed
precision (bf16 or fp16 autocast) with channels-last tensors and a warm-up/decay
schedule (:mod:`recipes.schedules`), and writes the learning curves and timings to a JSON
file that the chapter plots (:func:`helpers.runs.load_history`). The defaults are
the recipe described in ``chapters/05_cifar10/04_learning_rate_schedules``; ``--help``
lists every option. The same code runs on a CPU with small settings (the unit tests).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import platform
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from helpers.data import load_cifar10
from helpers.progress import progress
from helpers.runs import History
from helpers.validation import integer, number, one_of, optional_integer

from .augment import check_images, cutout, prepare, random_crop_flip
from .resnet import build_model, param_count
from .schedules import Schedule, apply_lr, make_schedule

TTA_MODES = ("none", "flip", "flip+shift")


# ----------------------------------------------------------------------------- configuration
@dataclass
class TrainConfig:
    """Everything a run depends on. The defaults are the GPU recipe of the chapter."""

    model: str = "resnet18"
    epochs: int = 26
    batch_size: int = 512
    schedule: str = "warmup"
    lr: float = 0.2
    decay_final: float = 0.1
    warmup: float = 0.2
    warmup_start: float = 0.2
    momentum: float = 0.9
    nesterov: bool = True
    weight_decay: float = 5e-4
    label_smoothing: float = 0.0
    augment: bool = True
    pad: int = 4
    cutout: int = 12
    tta: str = "flip+shift"
    """Test-time augmentation of the headline accuracy ``final["val_acc"]`` (all are recorded)."""
    evals_per_epoch: int = 1
    eval_batch_size: int = 1000
    n_train: int | None = None
    n_val: int | None = None
    device: str = "auto"
    amp: str = "auto"
    channels_last: bool = True
    compile: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "evals_per_epoch", "eval_batch_size"):
            integer(f"TrainConfig: {name}", getattr(self, name), minimum=1)
        for name in ("n_train", "n_val"):
            optional_integer(f"TrainConfig: {name}", getattr(self, name), minimum=1)
        one_of("TrainConfig: schedule", self.schedule, ("constant", "annealed", "warmup"))
        one_of("TrainConfig: tta", self.tta, TTA_MODES)
        one_of("TrainConfig: amp", self.amp, ("auto", "none", "bf16", "fp16"))
        if not 0 <= self.label_smoothing < 1:
            raise ValueError(f"TrainConfig: label_smoothing must lie in [0, 1), got {self.label_smoothing!r}")
        number("TrainConfig: lr", self.lr, positive=True)

    def resolved_device(self) -> torch.device:
        """``"auto"`` is CUDA when available, else the CPU."""
        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        device = torch.device(self.device)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("TrainConfig: device 'cuda' requested but no CUDA GPU is available")
        return device

    def amp_dtype(self, device: torch.device) -> torch.dtype | None:
        """The autocast dtype: ``"auto"`` is bf16 on CUDA and none on the CPU."""
        choice = self.amp
        if choice == "auto":
            choice = "bf16" if device.type == "cuda" else "none"
        return {"none": None, "bf16": torch.bfloat16, "fp16": torch.float16}[choice]

    def make_schedule(self, total_steps: int) -> Schedule:
        """The learning-rate schedule for a run of ``total_steps`` steps."""
        if self.schedule == "annealed":
            return make_schedule("annealed", self.lr, total_steps, final=self.decay_final)
        if self.schedule == "warmup":
            return make_schedule("warmup", self.lr, total_steps, warmup=self.warmup,
                                 start=self.warmup_start)
        return make_schedule("constant", self.lr, total_steps)


# ----------------------------------------------------------------------------- evaluation
def _autocast(device: torch.device, dtype: torch.dtype | None) -> contextlib.AbstractContextManager:
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def _tta_logits(model: nn.Module, x: torch.Tensor, tta: str) -> torch.Tensor:
    logits = model(x).float()
    if tta == "none":
        return logits
    logits = 0.5 * logits + 0.5 * model(x.flip(-1)).float()
    if tta == "flip":
        return logits
    padded = F.pad(x, (1, 1, 1, 1), mode="reflect")
    h, w = x.shape[-2:]
    shifted = [padded[:, :, :h, :w], padded[:, :, 2:, 2:]]
    moved = sum(0.5 * model(s).float() + 0.5 * model(s.flip(-1)).float() for s in shifted) / 2
    return 0.5 * logits + 0.5 * moved


def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *,
             batch_size: int = 1000, tta: str = "none",
             amp_dtype: torch.dtype | None = None) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``images`` (eval mode, no gradients).

    ``tta`` averages the logits over test-time variants: ``"flip"`` adds the mirrored
    image, ``"flip+shift"`` also two copies shifted by one pixel. The model's mode is
    restored afterwards.
    """
    check_images("evaluate()", images)
    if labels.shape != (len(images),):
        raise ValueError(f"evaluate(): labels must have shape ({len(images)},), got {tuple(labels.shape)}")
    one_of("evaluate(): tta", tta, TTA_MODES)
    was_training = model.training
    model.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad(), _autocast(images.device, amp_dtype):
        for start in range(0, len(images), batch_size):
            x, y = images[start:start + batch_size], labels[start:start + batch_size]
            logits = _tta_logits(model, x, tta)
            total_loss += float(F.cross_entropy(logits, y, reduction="sum"))
            correct += int((logits.argmax(1) == y).sum())
    model.train(was_training)
    return total_loss / len(images), correct / len(images)


# ----------------------------------------------------------------------------- training
def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _augmented_epochs(images: torch.Tensor, config: TrainConfig,
                      generator: torch.Generator) -> Iterator[torch.Tensor]:
    while True:
        if not config.augment:
            yield images
            continue
        out = []
        for chunk in images.split(10_000):
            chunk = random_crop_flip(chunk, config.pad, True, generator)
            out.append(cutout(chunk, config.cutout, generator) if config.cutout else chunk)
        yield torch.cat(out)


def train(model: nn.Module, train_x: torch.Tensor, train_y: torch.Tensor,
          val_x: torch.Tensor, val_y: torch.Tensor, config: TrainConfig,
          schedule: Schedule | None = None, *, desc: str = "training") -> History:
    """Train ``model`` in place with SGD and return its :class:`History`.

    ``train_x``/``val_x`` are normalised images already on the training device (see
    :func:`helpers.data.to_tensor`). ``schedule`` defaults to ``config.make_schedule``; it must
    cover ``epochs * steps_per_epoch`` steps. The validation set is evaluated
    ``evals_per_epoch`` times per epoch in eval mode without gradients; the reported
    training loss and accuracy are running means over the steps since the last evaluation
    (on augmented images, in train mode). ``train_seconds`` counts the training steps only.
    """
    check_images("train()", train_x)
    check_images("train()", val_x)
    if train_y.shape != (len(train_x),) or val_y.shape != (len(val_x),):
        raise ValueError("train(): labels must have one entry per image")
    device = train_x.device
    amp_dtype = config.amp_dtype(device)
    batch = min(config.batch_size, len(train_x))
    steps_per_epoch = len(train_x) // batch
    total = steps_per_epoch * config.epochs
    schedule = schedule or config.make_schedule(total)
    if schedule.total_steps != total:
        raise ValueError(f"train(): the schedule covers {schedule.total_steps} steps but the run has "
                         f"{total} ({config.epochs} epochs of {steps_per_epoch} steps)")
    generator = torch.Generator(device=device)
    generator.manual_seed(config.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=schedule(0), momentum=config.momentum,
                                nesterov=config.nesterov and config.momentum > 0,
                                weight_decay=config.weight_decay)
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    used: list[float] = []  # the rate each call of optimizer.step() saw
    hook = optimizer.register_step_pre_hook(lambda opt, args, kwargs: used.append(opt.param_groups[0]["lr"]))
    eval_steps = {min(steps_per_epoch, round(steps_per_epoch * (k + 1) / config.evals_per_epoch)) - 1
                  for k in range(config.evals_per_epoch)}
    history = History(config=asdict(config), steps_per_epoch=steps_per_epoch)
    losses: list[torch.Tensor] = []
    hits: list[torch.Tensor] = []
    seen = 0
    epochs = _augmented_epochs(train_x, config, generator)
    model.train()
    bar = progress(total=total, desc=desc)
    step = 0
    for epoch in range(config.epochs):
        _sync(device)
        started = time.perf_counter()
        images = next(epochs)
        order = torch.randperm(len(train_x), device=device, generator=generator)
        for i in range(steps_per_epoch):
            index = order[i * batch:(i + 1) * batch]
            lr = schedule(step)
            apply_lr(optimizer, lr)
            with _autocast(device, amp_dtype):
                logits = model(images[index])
            loss = F.cross_entropy(logits.float(), train_y[index], label_smoothing=config.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            losses.append(loss.detach())
            hits.append((logits.detach().argmax(1) == train_y[index]).sum())
            seen += len(index)
            history.lr.append(used.pop() if used else math.nan)  # NaN: the fp16 scaler skipped the step
            step += 1
            bar.update(1)
            if i in eval_steps:
                _sync(device)
                history.train_seconds += time.perf_counter() - started
                step_losses = torch.stack(losses).float().cpu().tolist()
                history.loss.extend(step_losses)
                val_loss, val_acc = evaluate(model, val_x, val_y, batch_size=config.eval_batch_size,
                                             amp_dtype=amp_dtype)
                history.evals.append({
                    "step": step, "epoch": step / steps_per_epoch,
                    "train_seconds": history.train_seconds,
                    "train_loss": float(np.mean(step_losses)),
                    "train_acc": float(torch.stack(hits).sum()) / seen,
                    "val_loss": val_loss, "val_acc": val_acc, "lr": lr,
                })
                bar.set_postfix(loss=f"{history.evals[-1]['train_loss']:.3f}", val_acc=f"{val_acc:.3f}")
                losses, hits, seen = [], [], 0
                _sync(device)
                started = time.perf_counter()
    bar.close()
    hook.remove()
    if not all(math.isfinite(v) for v in history.loss):
        raise FloatingPointError("train(): the loss became NaN or infinite; lower the learning rate")
    return history


# ----------------------------------------------------------------------------- a whole run
def run(config: TrainConfig, *, verbose: bool = True) -> tuple[nn.Module, History]:
    """Load CIFAR-10, build the model, train it, and evaluate it with every TTA mode."""
    device = config.resolved_device()
    channels_last = config.channels_last
    amp_dtype = config.amp_dtype(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    data = load_cifar10(config.n_train, config.n_val, verbose=verbose)
    train_x, train_y, val_x, val_y = prepare(data, device, amp_dtype or torch.float32, channels_last)
    torch.manual_seed(config.seed)
    model = build_model(config.model).to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    runner: nn.Module = model
    compile_seconds = 0.0
    if config.compile:
        runner = torch.compile(model)
        compile_seconds = _warm_up(runner, model, train_x, train_y, config, amp_dtype)
    history = train(runner, train_x, train_y, val_x, val_y, config, desc=config.model)
    for mode in TTA_MODES:
        loss, acc = evaluate(runner, val_x, val_y, batch_size=config.eval_batch_size, tta=mode,
                             amp_dtype=amp_dtype)
        history.final[f"val_acc_tta_{mode}"] = acc
        history.final[f"val_loss_tta_{mode}"] = loss
    history.final["val_acc"] = history.final[f"val_acc_tta_{config.tta}"]
    history.info = {
        "data": data.summary(),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "torch": torch.__version__,
        "parameters": param_count(model),
        "amp": str(amp_dtype).replace("torch.", "") if amp_dtype else "none",
        "channels_last": channels_last,
        "compile_seconds": compile_seconds,
    }
    if verbose:
        print(f"trained {config.model} for {config.epochs} epochs in {history.train_seconds:.1f} s "
              f"on {history.info['device']}; validation accuracy "
              + ", ".join(f"{history.final[f'val_acc_tta_{m}']:.4f} (TTA {m})" for m in TTA_MODES)
              + f"; headline (TTA {config.tta}): {history.final['val_acc']:.4f}")
    return model, history


def _warm_up(runner: nn.Module, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             config: TrainConfig, amp_dtype: torch.dtype | None) -> float:
    """Compile before timing: two forward/backward passes, then restore every weight and buffer."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    start = time.perf_counter()
    batch = min(config.batch_size, len(x))
    for _ in range(2):
        with _autocast(x.device, amp_dtype):
            loss = F.cross_entropy(runner(x[:batch]).float(), y[:batch])
        loss.backward()
    model.zero_grad(set_to_none=True)
    model.load_state_dict(state)
    _sync(x.device)
    return time.perf_counter() - start


# ----------------------------------------------------------------------------- command line
_CHOICES: dict[str, tuple[str, ...]] = {
    "schedule": ("constant", "annealed", "warmup"),
    "tta": TTA_MODES,
    "amp": ("auto", "none", "bf16", "fp16"),
}


def _parser() -> argparse.ArgumentParser:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(
        prog="python -m recipes.cifar_train",
        description="Train a ResNet on CIFAR-10 and write its curves and timing to JSON. "
                    "The defaults are the chapter's GPU recipe for ResNet18.",
    )
    for f in fields(TrainConfig):
        value = getattr(defaults, f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(value, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=value)
        elif f.name in ("n_train", "n_val"):
            parser.add_argument(flag, type=int, default=value, help="default: every image")
        else:
            choices = _CHOICES.get(f.name)
            parser.add_argument(flag, type=type(value), default=value, choices=choices,
                                help=f"default: {value}")
    parser.add_argument("--out", type=Path, default=None, help="JSON file for the run")
    return parser


def main(argv: Sequence[str] | None = None) -> History:
    """Command-line entry point; returns the run's :class:`History`."""
    args = vars(_parser().parse_args(argv))
    out = args.pop("out")
    config = TrainConfig(**args)
    _, history = run(config)
    if out is not None:
        print(f"wrote {history.to_json(out)}")
    return history


if __name__ == "__main__":
    main()
