"""CIFAR-10, the same arrays whatever the source.

Sources, in order:

1. the file named by the environment variable ``DLBOOK_CIFAR10_NPZ`` (an ``.npz`` with
   ``x_train``, ``y_train``, ``x_test``, ``y_test`` and ``classes``, e.g. the offline
   ``cifar10-mini.npz`` that CI uses);
2. the full data set, downloaded once by torchvision into a cache folder.

:func:`load_cifar10` always says which source it used and how many images.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .validation import optional_integer

if TYPE_CHECKING:
    import torch

ENV_VAR = "DLBOOK_CIFAR10_NPZ"
"""Environment variable naming an offline ``.npz`` copy of CIFAR-10."""

CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)
MEAN: tuple[float, float, float] = (0.4914, 0.4822, 0.4465)
"""Per-channel mean of the CIFAR-10 training images (RGB, in [0, 1])."""
STD: tuple[float, float, float] = (0.2470, 0.2435, 0.2616)
"""Per-channel standard deviation of the CIFAR-10 training images."""

_FOLDER = "cifar-10-batches-py"


def default_cache_dir() -> Path:
    """Where downloads go: ``$XDG_CACHE_HOME/dlbook`` (``~/.cache/dlbook`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlbook"


@dataclass(frozen=True)
class Cifar10:
    """CIFAR-10 images (``uint8``, shape ``(N, 32, 32, 3)``, RGB) and integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str
    available: tuple[int, int]
    """How many training and test images the source holds."""

    def summary(self) -> str:
        """One sentence: the source and how many images are used."""
        return (
            f"CIFAR-10 from {self.source}: {len(self.x_train):,} of {self.available[0]:,} "
            f"training and {len(self.x_test):,} of {self.available[1]:,} test images."
        )


def _check_count(name: str, value: int | None, available: int) -> int:
    """How many of the source's ``available`` images to use: ``value``, or all for None."""
    count = optional_integer(f"load_cifar10(): {name}", value, minimum=1)
    if count is None:
        return available
    if count > available:
        raise ValueError(
            f"load_cifar10(): {name}={count} but the source holds {available:,} images; "
            f"use 1..{available:,} (or None for all of them)"
        )
    return count


def _load_npz(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{ENV_VAR}={str(path)!r} does not name a file. Point it at a CIFAR-10 .npz "
            f"(such as cifar10-mini.npz), or unset it to download the full data set."
        )
    with np.load(path, allow_pickle=False) as archive:
        missing = {"x_train", "y_train", "x_test", "y_test", "classes"} - set(archive.files)
        if missing:
            raise ValueError(f"{path} lacks the arrays {sorted(missing)}")
        arrays = [archive[k] for k in ("x_train", "y_train", "x_test", "y_test")]
        classes = tuple(str(c) for c in archive["classes"])
    for name, x, y in (("train", arrays[0], arrays[1]), ("test", arrays[2], arrays[3])):
        if x.dtype != np.uint8 or x.ndim != 4 or x.shape[1:] != (32, 32, 3):
            raise ValueError(
                f"{path}: x_{name} must be uint8 of shape (N, 32, 32, 3), got {x.dtype} {x.shape}"
            )
        if y.shape != (len(x),):
            raise ValueError(f"{path}: y_{name} must have shape ({len(x)},), got {y.shape}")
    return arrays[0], arrays[1].astype(np.int64), arrays[2], arrays[3].astype(np.int64), classes


def _torchvision_download(root: Path) -> None:
    """Download and unpack CIFAR-10 into ``root`` (torchvision checks the checksum)."""
    from torchvision.datasets import CIFAR10

    CIFAR10(root=str(root), train=True, download=True)


def _ensure_download(cache_dir: Path) -> Path:
    """The unpacked data set in ``cache_dir``, downloading it first if needed.

    The download goes to a temporary folder that is renamed into place only when
    complete, so a failed download leaves nothing behind.
    """
    final = cache_dir / _FOLDER
    if final.is_dir():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".cifar10-partial-", dir=cache_dir))
    try:
        _torchvision_download(partial)
        os.replace(partial / _FOLDER, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return final


def _load_download(cache_dir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from torchvision.datasets import CIFAR10

    _ensure_download(cache_dir)
    train = CIFAR10(root=str(cache_dir), train=True, download=False)
    test = CIFAR10(root=str(cache_dir), train=False, download=False)
    return (train.data, np.asarray(train.targets, dtype=np.int64),
            test.data, np.asarray(test.targets, dtype=np.int64))


def load_cifar10(
    n_train: int | None = None,
    n_test: int | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    verbose: bool = True,
) -> Cifar10:
    """Load CIFAR-10: the first ``n_train`` training and ``n_test`` test images.

    ``None`` means every image the source holds. The offline file named by
    ``DLBOOK_CIFAR10_NPZ`` is used when that variable is set; otherwise the full data
    set is downloaded once into ``cache_dir`` (default :func:`default_cache_dir`).
    Prints (if ``verbose``) which source and how many images were used.
    """
    npz = os.environ.get(ENV_VAR)
    if npz:
        path = Path(npz).expanduser()
        x_train, y_train, x_test, y_test, classes = _load_npz(path)
        source = f"the offline file {path.name} ({ENV_VAR})"
    else:
        folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        try:
            x_train, y_train, x_test, y_test = _load_download(folder)
        except Exception as error:
            raise RuntimeError(
                f"Could not get CIFAR-10: the download into {folder} failed "
                f"({type(error).__name__}: {error}). Either connect to the internet so "
                f"torchvision can download it, or set the environment variable {ENV_VAR} "
                f"to an offline .npz copy (arrays x_train, y_train, x_test, y_test, classes)."
            ) from error
        classes = CLASSES
        source = f"torchvision's download (full data set, cached in {folder})"
    available = (len(x_train), len(x_test))
    n_train = _check_count("n_train", n_train, available[0])
    n_test = _check_count("n_test", n_test, available[1])
    data = Cifar10(
        x_train=x_train[:n_train], y_train=y_train[:n_train],
        x_test=x_test[:n_test], y_test=y_test[:n_test],
        classes=classes, source=source, available=available,
    )
    if verbose:
        print(data.summary())
    return data


def to_tensor(images: np.ndarray, *, normalize: bool = True, device: str | torch.device = "cpu",
              dtype: torch.dtype | None = None, channels_last: bool = False) -> torch.Tensor:
    """``uint8`` images ``(N, 32, 32, 3)`` as a float tensor ``(N, 3, 32, 32)`` on ``device``.

    Values are scaled to [0, 1] and, if ``normalize``, standardised per channel with
    :data:`MEAN` and :data:`STD`, in float32, then cast to ``dtype`` if given. Only the
    ``uint8`` bytes travel to ``device``; the conversion happens there. ``channels_last``
    gives the tensor that memory layout.
    """
    import torch

    if not isinstance(images, np.ndarray) or images.dtype != np.uint8:
        raise TypeError(
            f"to_tensor(): images must be a uint8 numpy array, got "
            f"{getattr(images, 'dtype', type(images).__name__)}"
        )
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"to_tensor(): images must have shape (N, H, W, 3), got {images.shape}")
    x = torch.from_numpy(images).to(device).permute(0, 3, 1, 2).float().div_(255.0)
    if normalize:
        mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
        std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
        x = (x - mean) / std
    if dtype is not None:
        x = x.to(dtype)
    return x.contiguous(memory_format=torch.channels_last if channels_last else torch.contiguous_format)
