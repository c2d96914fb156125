"""helpers.data: the CIFAR-10 loader's sources, subsets, messages and errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers import data

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "cifar10-mini.npz"


def write_npz(path: Path, n_train: int = 12, n_test: int = 5, **overrides: np.ndarray) -> Path:
    """A tiny file in the offline format (synthetic pixels: this tests the loader only)."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 32, 32, 3), dtype=np.uint8),
        "y_train": np.arange(n_train) % 10,
        "x_test": rng.integers(0, 256, (n_test, 32, 32, 3), dtype=np.uint8),
        "y_test": np.arange(n_test) % 10,
        "classes": np.array(data.CLASSES),
    }
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_npz(tmp_path / "mini.npz")
    monkeypatch.setenv(data.ENV_VAR, str(path))
    return path


def test_offline_file_subset_and_summary(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cifar = data.load_cifar10(n_train=10, n_test=3)
    assert cifar.x_train.shape == (10, 32, 32, 3) and cifar.x_train.dtype == np.uint8
    assert cifar.y_train.dtype == np.int64 and cifar.y_test.shape == (3,)
    assert cifar.classes == data.CLASSES
    assert cifar.available == (12, 5)
    out = capsys.readouterr().out
    assert "offline file mini.npz (DLBOOK_CIFAR10_NPZ)" in out
    assert "10 of 12 training and 3 of 5 test images" in out


def test_none_means_everything(offline: Path) -> None:
    cifar = data.load_cifar10(verbose=False)
    assert (len(cifar.x_train), len(cifar.x_test)) == (12, 5)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"n_train": 13}, ValueError, r"n_train=13 but the source holds 12 images; use 1..12"),
        ({"n_test": 0}, ValueError, "n_test must be at least 1, got 0"),
        ({"n_train": 2.5}, TypeError, "n_train must be an int or None, got float"),
        ({"n_train": True}, TypeError, "n_train must be an int"),
    ],
)
def test_bad_counts(offline: Path, kwargs: dict, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        data.load_cifar10(**kwargs, verbose=False)


def test_missing_offline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nope.npz"))
    with pytest.raises(FileNotFoundError, match="does not name a file"):
        data.load_cifar10()


@pytest.mark.parametrize(
    ("override", "pattern"),
    [
        ({"x_train": np.zeros((4, 32, 32), dtype=np.uint8)}, r"x_train must be uint8 of shape \(N, 32, 32, 3\)"),
        ({"x_test": np.zeros((5, 32, 32, 3), dtype=np.float32)}, "x_test must be uint8"),
        ({"y_train": np.zeros(3)}, r"y_train must have shape \(12,\)"),
    ],
)
def test_malformed_offline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                override: dict, pattern: str) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(write_npz(tmp_path / "bad.npz", **override)))
    with pytest.raises(ValueError, match=pattern):
        data.load_cifar10()


def test_failed_download_names_both_options_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(data.ENV_VAR, raising=False)

    def broken_download(root: Path) -> None:
        (root / "cifar-10-python.tar.gz").write_bytes(b"half a download")
        raise ConnectionError("network unreachable")

    monkeypatch.setattr(data, "_torchvision_download", broken_download)
    with pytest.raises(RuntimeError) as info:
        data.load_cifar10(cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert "network unreachable" in message
    assert "connect to the internet" in message and data.ENV_VAR in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_download_moves_into_place_only_when_complete(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def download(root: Path) -> None:
        calls.append(root)
        (root / "cifar-10-batches-py").mkdir()
        (root / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"x")

    monkeypatch.setattr(data, "_torchvision_download", download)
    folder = data._ensure_download(tmp_path)
    assert folder == tmp_path / "cifar-10-batches-py" and (folder / "data_batch_1").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["cifar-10-batches-py"]
    data._ensure_download(tmp_path)
    assert len(calls) == 1  # a second call finds it in place


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data.default_cache_dir() == tmp_path / "dlbook"


def test_to_tensor_layout_and_normalisation() -> None:
    images = np.zeros((2, 32, 32, 3), dtype=np.uint8)
    images[..., 0] = 255
    raw = data.to_tensor(images, normalize=False)
    assert raw.shape == (2, 3, 32, 32) and raw.dtype == torch.float32
    assert raw[:, 0].eq(1).all() and raw[:, 1:].eq(0).all()
    normalised = data.to_tensor(images)
    expected = (1 - data.MEAN[0]) / data.STD[0]
    assert torch.allclose(normalised[:, 0], torch.full((2, 32, 32), expected))


def test_to_tensor_casts_and_lays_out_on_the_device() -> None:
    images = np.random.default_rng(0).integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    half = data.to_tensor(images, device="cpu", dtype=torch.bfloat16, channels_last=True)
    assert half.dtype == torch.bfloat16 and half.shape == (3, 3, 32, 32)
    assert half.is_contiguous(memory_format=torch.channels_last) and not half.is_contiguous()
    torch.testing.assert_close(half, data.to_tensor(images).to(torch.bfloat16))
    assert data.to_tensor(images).is_contiguous()


def test_to_tensor_errors() -> None:
    with pytest.raises(TypeError, match="uint8 numpy array, got float64"):
        data.to_tensor(np.zeros((1, 32, 32, 3)))
    with pytest.raises(ValueError, match=r"shape \(N, H, W, 3\)"):
        data.to_tensor(np.zeros((1, 3, 32, 32), dtype=np.uint8))


@pytest.mark.skipif(not SHARED.is_file(), reason=f"{SHARED} not present")
def test_real_offline_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_VAR, str(SHARED))
    cifar = data.load_cifar10(verbose=False)
    assert cifar.available == (5170, 1017)
    assert cifar.classes == data.CLASSES
    counts = np.bincount(cifar.y_train, minlength=10)
    assert counts.min() > 450 and counts.max() < 580
    assert os.path.basename(str(SHARED)) in cifar.source
