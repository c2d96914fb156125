"""What surrounds the hand-written MLP of ``chapters/03_backprop/03_mlp_from_scratch``,
and the checks of its exercises.

The layers, the loss, the training loop and the augmentation are the student's; this
module holds the rest:

- :func:`minibatches`: shuffled index batches for one epoch;
- :func:`random_crops`: the random offsets and flips of a crop-and-flip augmentation;
- :func:`mosaic`: normalised images tiled into one picture;
- checks that compare the student's code with torch on small fixed inputs:
  :func:`check_backward` (a layer's messages against autograd and finite
  differences), :func:`check_gradients_like_torch` (a whole network),
  :func:`check_sgd_like_torch` (one epoch against ``torch.optim.SGD``) and
  :func:`check_crop_and_flip` (against torchvision's ``RandomCrop`` and
  ``RandomHorizontalFlip`` on the same random draws); :func:`check_in_range` states
  what a training run is expected to reach.

A run's record and its training curves are the book's :mod:`helpers.runs`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..checks import check_array, check_gradient, check_true, passed
from ..data import MEAN, STD


def _check_positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be positive, got {value}")
    return int(value)


def minibatches(n: int, batch_size: int, *, generator: torch.Generator | None = None,
                shuffle: bool = True) -> list[torch.Tensor]:
    """Index tensors covering ``range(n)`` once, in batches of ``batch_size`` (the last may be smaller).

    With ``shuffle`` the order is a random permutation drawn from ``generator``.
    """
    n = _check_positive_int("n", n)
    batch_size = _check_positive_int("batch_size", batch_size)
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return list(order.split(batch_size))


def random_crops(n: int, pad: int, *, generator: torch.Generator | None = None,
                 device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Random draws for ``n`` crops of an image padded by ``pad``: ``(top, left, flip)``.

    ``top`` and ``left`` are uniform in ``0 .. 2 pad`` (int64), ``flip`` is true with
    probability 1/2. They are drawn on the CPU from ``generator`` (the same numbers on
    every device), then moved to ``device``.
    """
    n = _check_positive_int("n", n)
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative int, got {pad!r}")
    top, left = torch.randint(0, 2 * int(pad) + 1, (2, n), generator=generator)
    flip = torch.rand(n, generator=generator) < 0.5
    return top.to(device), left.to(device), flip.to(device)


def _check_images(images: object) -> torch.Tensor:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch.Tensor of shape (N, C, H, W), got {type(images).__name__}")
    if not images.is_floating_point():
        raise TypeError(f"images must be a floating-point tensor (see helpers.data.to_tensor), got {images.dtype}")
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
    return images


def to_display(images: torch.Tensor) -> np.ndarray:
    """Normalised images ``(N, 3, H, W)`` back to displayable RGB ``(N, H, W, 3)`` in [0, 1]."""
    images = _check_images(images)
    if images.shape[1] != 3:
        raise ValueError(f"images must have 3 channels, got shape {tuple(images.shape)}")
    mean = torch.tensor(MEAN, device=images.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=images.device).view(1, 3, 1, 1)
    return (images.float() * std + mean).clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy()


def mosaic(images: torch.Tensor, *, ncols: int = 6, gap: int = 2) -> np.ndarray:
    """Normalised images ``(N, 3, H, W)`` tiled into one RGB picture, ``ncols`` per row.

    One picture draws much faster than one matplotlib axes per image (for sliders).
    """
    pictures = to_display(images)
    ncols = _check_positive_int("ncols", ncols)
    if isinstance(gap, bool) or not isinstance(gap, (int, np.integer)) or gap < 0:
        raise ValueError(f"gap must be a non-negative int, got {gap!r}")
    n, height, width, _ = pictures.shape
    nrows = -(-n // ncols)
    canvas = np.ones((nrows * (height + gap) - gap, ncols * (width + gap) - gap, 3))
    for k, picture in enumerate(pictures):
        top, left = (k // ncols) * (height + gap), (k % ncols) * (width + gap)
        canvas[top:top + height, left:left + width] = picture
    return canvas


# ----------------------------------------------------------------------------- checks
def _probe(layer: Any, name: str, x: torch.Tensor, grad_output: torch.Tensor) -> Callable[[np.ndarray], float]:
    """t -> sum(grad_output * layer.forward(...)), t replacing the input (``"input"``) or a parameter.

    Its gradient with respect to t is exactly the message ``backward`` must produce.
    """
    def f(t: np.ndarray) -> float:
        t = torch.from_numpy(t)
        if name == "input":
            return float((grad_output * layer.forward(t)).sum())
        saved = getattr(layer, name)
        setattr(layer, name, t)
        try:
            return float((grad_output * layer.forward(x)).sum())
        finally:
            setattr(layer, name, saved)
    return f


def _float64(name: str, value: object) -> torch.Tensor:
    if not isinstance(value, torch.Tensor) or value.dtype != torch.float64:
        raise TypeError(f"{name} must be a float64 torch.Tensor, got "
                        f"{getattr(value, 'dtype', type(value).__name__)}")
    return value


def check_backward(name: str, layer: Any, x: torch.Tensor, grad_output: torch.Tensor,
                   reference: Callable[..., torch.Tensor], *, parameters: Sequence[str] = (),
                   finite_differences: bool = True, rtol: float = 1e-10) -> None:
    """Assert ``layer.backward(grad_output)`` after ``layer.forward(x)`` sends the right messages.

    The returned ``dL/dx`` and the ``.grad`` of every attribute named in ``parameters``
    are compared with torch autograd through ``reference(x, *parameters)``, a torch
    function computing the same forward pass, and (with ``finite_differences``) with
    centred differences of ``sum(grad_output * layer.forward(.))``. Inputs are float64.
    """
    x, grad_output = _float64("x", x), _float64("grad_output", grad_output)
    layer.forward(x)
    mine = [("dL/dx", layer.backward(grad_output))]
    mine += [(f"{p}.grad", getattr(getattr(layer, p), "grad", None)) for p in parameters]
    leaves = [x.detach().clone().requires_grad_()]
    leaves += [getattr(layer, p).detach().clone().requires_grad_() for p in parameters]
    reference(*leaves).backward(grad_output)
    for (what, value), leaf in zip(mine, leaves):
        check_array(f"{name}: {what}", value, leaf.grad, rtol=rtol, atol=1e-12, quiet=True)
    passed(f"{name}: {', '.join(what for what, _ in mine)} equal torch autograd's.")
    if finite_differences:
        for (what, value), place in zip(mine, ["input", *parameters]):
            point = x if place == "input" else getattr(layer, place)
            check_gradient(f"{name}: {what}", _probe(layer, place, x, grad_output), point.numpy(), value)


def _check_like_twin(name: str, mine: Sequence[Any], theirs: Sequence[torch.Tensor], what: str, *,
                     rtol: float) -> None:
    """Assert the student's tensors equal the ``torch.nn`` twin's, one by one; ``what`` names the
    k-th (``{k}``, and ``{shape}`` its shape) in a failure."""
    check_true(len(mine) == len(theirs),
               f"{name}: {len(mine)} parameters, but the torch.nn network has {len(theirs)}")
    for k, (tensor, ref) in enumerate(zip(mine, theirs)):
        check_array(f"{name}: {what.format(k=k, shape=tuple(ref.shape))}", tensor, ref, rtol=rtol, atol=1e-13,
                    quiet=True)


def check_gradients_like_torch(name: str, parameters: Sequence[torch.Tensor], dx: Any,
                               twin: torch.nn.Module, x: torch.Tensor, target: torch.Tensor, *,
                               rtol: float = 1e-10) -> None:
    """Assert hand-computed parameter gradients and ``dx`` equal autograd's for the same network.

    ``twin`` is the network built from ``torch.nn`` with the same parameters, in the same
    order; the loss is the mean cross-entropy of its output on ``(x, target)``.
    """
    x = _float64("x", x).detach().clone().requires_grad_()
    twin.zero_grad()
    F.cross_entropy(twin(x), target).backward()
    theirs = list(twin.parameters())
    _check_like_twin(name, [getattr(p, "grad", None) for p in parameters], [p.grad for p in theirs],
                     "gradient of parameter {k} {shape}", rtol=rtol)
    check_array(f"{name}: dL/dx, the message that reaches the input", dx, x.grad, rtol=rtol, atol=1e-13,
                quiet=True)
    passed(f"{name}: all {len(theirs)} parameter gradients and dL/dx equal torch autograd's.")


def check_sgd_like_torch(name: str, parameters: Sequence[torch.Tensor], twin: torch.nn.Module,
                         x: torch.Tensor, target: torch.Tensor, *, lr: float, batch_size: int,
                         seed: int, transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
                         rtol: float = 1e-10) -> None:
    """Assert ``parameters`` equal ``twin``'s after one epoch of ``torch.optim.SGD``.

    ``twin`` (the same network in ``torch.nn``, as it was before the student's epoch) is
    trained on the batches ``minibatches(len(x), batch_size)`` draws from a generator
    seeded with ``seed``, each passed through ``transform`` and flattened, with the mean
    cross-entropy loss.
    """
    optimizer = torch.optim.SGD(twin.parameters(), lr=lr)
    for index in minibatches(len(x), batch_size, generator=torch.Generator().manual_seed(seed)):
        images = x[index] if transform is None else transform(x[index])
        optimizer.zero_grad()
        F.cross_entropy(twin(images.flatten(1)), target[index]).backward()
        optimizer.step()
    theirs = list(twin.parameters())
    _check_like_twin(name, parameters, [p.detach() for p in theirs], "parameter {k} {shape} after one epoch",
                     rtol=rtol)
    passed(f"{name}: after one epoch all {len(theirs)} parameters equal torch.optim.SGD's.")


def check_crop_and_flip(name: str, augment: Callable[..., torch.Tensor], *, size: int = 32, pad: int = 4,
                        n: int = 6, seed: int = 0) -> None:
    """Assert ``augment(images, top, left, flip, pad=pad)`` crops and mirrors like torchvision.

    First on fixed draws (the four extreme offsets, with and without a flip) against
    torchvision's functional ``pad``/``crop``/``hflip``; then on ``n`` images against
    ``RandomCrop(size, padding=pad)`` followed by ``RandomHorizontalFlip()``, applied image
    by image with torch's global generator seeded with ``seed``, where the draws handed
    to ``augment`` are the ones those transforms make (read back with
    ``RandomCrop.get_params`` and the same seed).
    """
    from torchvision import transforms
    from torchvision.transforms import functional as TF

    def window(image: torch.Tensor, top: int, left: int, mirrored: bool) -> torch.Tensor:
        crop = TF.crop(TF.pad(image, [pad]), top, left, size, size)
        return TF.hflip(crop) if mirrored else crop

    def compare(what: str, images: torch.Tensor, draws: list[tuple[int, int, bool]],
                expected: torch.Tensor) -> None:
        top, left, mirrored = (torch.tensor(column) for column in zip(*draws))
        got = augment(images.clone(), top, left, mirrored, pad=pad)
        listed = ", ".join(f"({t}, {l}, {'flip' if m else 'no flip'})" for t, l, m in draws)
        check_array(f"{name} {what}; (top, left, flip) per image: {listed}", got, expected, rtol=0, atol=0)

    images = torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(seed)) + 0.5
    fixed = [(0, 0, False), (2 * pad, 2 * pad, True), (0, 2 * pad, True), (2 * pad, 0, False),
             (pad, pad, True), (1, 2 * pad - 1, False)][:n]
    compare("on fixed offsets", images[:len(fixed)], fixed,
            torch.stack([window(image, *draw) for image, draw in zip(images, fixed)]))

    crop, flip = transforms.RandomCrop(size, padding=pad), transforms.RandomHorizontalFlip()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        expected = torch.stack([flip(crop(image)) for image in images])
        torch.manual_seed(seed)
        draws = []
        for image in images:
            top, left, _, _ = transforms.RandomCrop.get_params(TF.pad(image, [pad]), (size, size))
            draws.append((top, left, bool(torch.rand(1) < 0.5)))
    if not torch.equal(torch.stack([window(image, *draw) for image, draw in zip(images, draws)]), expected):
        raise RuntimeError("this torchvision draws its random crops in another order than "
                           "check_crop_and_flip assumes; the check cannot replay them")
    compare(f"against RandomCrop({size}, padding={pad}) + RandomHorizontalFlip()", images, draws, expected)


def check_in_range(name: str, value: float, low: float, high: float) -> None:
    """Assert ``low <= value <= high`` (an expectation about a training run)."""
    check_true(bool(low <= value <= high), f"{name} = {value:.3f} is outside the expected range [{low}, {high}]",
               success=f"{name} = {value:.3f} (expected in [{low}, {high}])")
