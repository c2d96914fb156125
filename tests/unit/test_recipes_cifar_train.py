"""recipes.cifar_train: evaluation, a few training steps, the script, the mixed-precision path on the CPU."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from helpers import data
from helpers.runs import load_history
from recipes import augment as aug
from recipes import cifar_train as ct
from recipes.resnet import cifar_resnet


def images(n: int = 6, size: int = 8, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


def tiny_npz(folder: Path, n_train: int, n_test: int, seed: int = 0) -> Path:
    """Synthetic pixels in the offline format: for the plumbing of loading and the script only."""
    rng = np.random.default_rng(seed)
    npz = folder / "tiny.npz"
    np.savez(npz, x_train=rng.integers(0, 256, (n_train, 32, 32, 3), dtype=np.uint8),
             y_train=np.arange(n_train) % 10, x_test=rng.integers(0, 256, (n_test, 32, 32, 3), dtype=np.uint8),
             y_test=np.arange(n_test) % 10, classes=np.array(data.CLASSES))
    return npz


def test_evaluate_restores_mode_and_changes_nothing() -> None:
    torch.manual_seed(0)
    model = cifar_resnet(1)
    x, y = torch.randn(10, 3, 16, 16), torch.arange(10) % 10
    before = {k: v.clone() for k, v in model.state_dict().items()}
    loss, acc = ct.evaluate(model, x, y, batch_size=4)
    assert model.training and 0 <= acc <= 1 and loss > 0
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, before[key])
    assert all(p.grad is None for p in model.parameters())
    for mode in ct.TTA_MODES:
        ct.evaluate(model, x, y, tta=mode)


def test_a_few_steps_reduce_the_loss_and_record_history() -> None:
    torch.manual_seed(0)
    model = cifar_resnet(1)
    x, y = torch.randn(16, 3, 16, 16), torch.arange(16) % 10  # small images: the net is convolutional
    config = ct.TrainConfig(model="resnet8", epochs=6, batch_size=8, lr=0.05, schedule="constant",
                            augment=False, evals_per_epoch=1, device="cpu", tta="none")
    history = ct.train(model, x, y, x[:4], y[:4], config)
    assert history.steps_per_epoch == 2
    assert len(history.lr) == len(history.loss) == 12
    assert len(history.evals) == 6
    assert history.evals[-1]["epoch"] == 6.0 and history.evals[0]["step"] == 2
    assert np.mean(history.loss[-2:]) < np.mean(history.loss[:2])
    assert history.train_seconds > 0


def test_train_uses_a_given_schedule_and_checks_its_length() -> None:
    from recipes.schedules import Annealed

    model = cifar_resnet(1)
    x, y = torch.randn(8, 3, 16, 16), torch.arange(8) % 10
    config = ct.TrainConfig(epochs=2, batch_size=4, device="cpu", cutout=2)
    history = ct.train(model, x, y, x, y, config, schedule=Annealed(0.1, 0.5, 4))
    np.testing.assert_allclose(history.lr, [0.1, 0.05, 0.025, 0.0125])
    with pytest.raises(ValueError, match="covers 5 steps but the run has 4"):
        ct.train(model, x, y, x, y, config, schedule=Annealed(0.1, 0.5, 5))


def test_history_lr_is_the_rate_each_step_applied() -> None:
    # Measured from the weights, not from how train() records it: without momentum and
    # weight decay every step is w <- w - lr * grad.
    from recipes.schedules import Annealed

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 4 * 4, 10))
    weight = model[1].weight
    x, y = torch.randn(8, 3, 4, 4), torch.arange(8) % 10
    config = ct.TrainConfig(epochs=3, batch_size=4, momentum=0.0, weight_decay=0.0, augment=False,
                            device="cpu", tta="none")
    seen: dict[str, torch.Tensor] = {}
    applied: list[float] = []

    def before(*_: object) -> None:
        seen["w"], seen["g"] = weight.detach().clone(), weight.grad.detach().clone()

    def after(*_: object) -> None:
        change = seen["w"] - weight.detach()
        applied.append(float((change * seen["g"]).sum() / (seen["g"] ** 2).sum()))

    hooks = (register_optimizer_step_pre_hook(before),
             register_optimizer_step_post_hook(after))
    try:
        history = ct.train(model, x, y, x, y, config, schedule=Annealed(0.1, 0.5, 6))
    finally:
        for hook in hooks:
            hook.remove()
    np.testing.assert_allclose(applied, Annealed(0.1, 0.5, 6).values(), rtol=1e-4)
    np.testing.assert_allclose(history.lr, applied, rtol=1e-4)


def test_prepare_puts_everything_on_the_device_in_channels_last(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(tiny_npz(tmp_path, 4, 2)))
    train_x, train_y, val_x, val_y = aug.prepare(data.load_cifar10(verbose=False))
    assert train_x.shape == (4, 3, 32, 32) and val_x.shape == (2, 3, 32, 32)
    assert train_x.is_contiguous(memory_format=torch.channels_last)
    assert train_y.tolist() == [0, 1, 2, 3] and val_y.dtype == torch.int64
    with pytest.raises(TypeError, match="load_cifar10"):
        aug.prepare(np.zeros((2, 32, 32, 3), dtype=np.uint8))


def test_script_runs_a_tiny_cpu_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(tiny_npz(tmp_path, 16, 8)))
    out = tmp_path / "run.json"
    history = ct.main(["--model", "resnet8", "--epochs", "2", "--batch-size", "8", "--device", "cpu",
                       "--eval-batch-size", "4", "--cutout", "4", "--lr", "0.05", "--out", str(out)])
    loaded = load_history(out)
    assert loaded.config["model"] == "resnet8" and loaded.steps_per_epoch == 2
    assert len(loaded.loss) == 4 and set(loaded.final) >= {"val_acc_tta_none", "val_acc_tta_flip+shift"}
    assert loaded.info["parameters"] == 75_290 and "16 of 16 training" in loaded.info["data"]
    assert loaded.final["val_acc"] == loaded.final["val_acc_tta_flip+shift"]
    assert history.train_seconds == loaded.train_seconds


@pytest.mark.parametrize(("amp", "dtype"), [("bf16", torch.bfloat16), ("fp16", torch.float16)])
def test_the_gpu_recipes_mixed_precision_path_runs_on_the_cpu(amp: str, dtype: torch.dtype, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # What a CUDA run does, on the CPU: images stored in the autocast dtype and channels-last,
    # cropped, flipped and cut out as such tensors, convolutions under autocast, fp16 loss scaling.
    monkeypatch.setenv(data.ENV_VAR, str(tiny_npz(tmp_path, 16, 8)))
    train_x, *_ = aug.prepare(data.load_cifar10(verbose=False), "cpu", dtype, channels_last=True)
    assert train_x.dtype == dtype and train_x.is_contiguous(memory_format=torch.channels_last)
    augmented = aug.cutout(aug.random_crop_flip(train_x, 4), 12)
    assert augmented.dtype == dtype and augmented.is_contiguous(memory_format=torch.channels_last)

    conv_outputs: list[torch.dtype] = []
    original = ct.build_model

    def traced(name: str) -> torch.nn.Module:
        model = original(name)
        model.stem.register_forward_hook(lambda module, inputs, output: conv_outputs.append(output.dtype))
        return model

    monkeypatch.setattr(ct, "build_model", traced)
    config = ct.TrainConfig(model="resnet8", epochs=2, batch_size=8, device="cpu", amp=amp, cutout=4,
                            lr=0.05, eval_batch_size=4)
    model, history = ct.run(config, verbose=False)
    assert set(conv_outputs) == {dtype}, "every forward pass, training and evaluation, ran under autocast"
    assert next(model.parameters()).dtype == torch.float32, "the weights themselves stay in float32"
    assert history.info["amp"] == str(dtype).removeprefix("torch.") and history.info["channels_last"]
    assert len(history.loss) == 4 and all(np.isfinite(history.loss))
    assert 0 <= history.final["val_acc"] <= 1


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: ct.TrainConfig(epochs=0), ValueError, "TrainConfig: epochs must be at least 1, got 0"),
        (lambda: ct.TrainConfig(schedule="cyclic"), ValueError, "schedule must be"),
        (lambda: ct.TrainConfig(tta="five-crop"), ValueError, "tta must be one of"),
        (lambda: ct.TrainConfig(amp="int8"), ValueError, "amp must be"),
        (lambda: ct.TrainConfig(n_train=0), ValueError, "TrainConfig: n_train must be at least 1, got 0"),
        (lambda: aug.random_crop_flip(torch.zeros(3, 32, 32)), ValueError, r"\(N, C, H, W\)"),
        (lambda: aug.crop_flip(images(), 2, torch.zeros(6, dtype=torch.long), torch.full((6,), 5),
                              torch.zeros(6, dtype=torch.bool)), ValueError, r"lie in 0..4"),
        (lambda: aug.cutout(images(), 9), ValueError, r"cutout\(\): size must be at most 8, got 9"),
        (lambda: ct.evaluate(cifar_resnet(1), torch.zeros(2, 3, 32, 32), torch.zeros(3, dtype=torch.long)),
         ValueError, r"labels must have shape \(2,\)"),
    ],
)
def test_bad_input_is_named(call, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        call()


def test_compile_warm_up_restores_every_weight_and_buffer() -> None:
    torch.manual_seed(0)
    model = cifar_resnet(1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x, y = torch.randn(4, 3, 16, 16), torch.arange(4)
    seconds = ct._warm_up(model, model, x, y, ct.TrainConfig(batch_size=4), None)
    assert seconds >= 0 and all(p.grad is None for p in model.parameters())
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, before[key])


def test_script_rejects_unknown_choices() -> None:
    with pytest.raises(SystemExit):
        ct.main(["--schedule", "cyclic"])


def test_cuda_request_without_gpu_is_explained() -> None:
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        ct.TrainConfig(device="cuda").resolved_device()
