"""The setting of chapter 4: binary inputs, masks, parity labels and the two-layer ReLU network.

Inputs are x in {0,1}^d, a mask v in {0,1}^d picks bits, the label is y = (-1)^(v . x),
and the network is ``f(x) = sum_i alpha_i relu(w_i . x + b_i) + beta`` (:class:`TwoLayerNet`,
the w_i the rows of W). Every notebook of the chapter uses these; bad input gets a
``ValueError`` that names the argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ..validation import integer


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one thread: for these small matrices threads cost more than they save."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


def binary_array(name: str, value: Any, ndim: int, d: int | None = None) -> np.ndarray:
    """``value`` as an int array of 0s and 1s with ``ndim`` axes (and ``d`` entries per row)."""
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of 0s and 1s, got shape {array.shape}")
    if d is not None and array.shape[-1] != d:
        raise ValueError(f"{name} must have {d} entries per row (d = {d}), got shape {array.shape}")
    binary = (array == 0) | (array == 1)
    if not binary.all():
        bad = array[~binary].ravel()[:3]
        raise ValueError(f"{name} must hold only 0s and 1s (binary inputs), found {bad.tolist()}")
    return array.astype(np.int64)


def matmul64(a: Any, b: Any) -> np.ndarray:
    """a @ b in float64 on one torch thread (numpy's BLAS threads stall on a busy 2-core CPU)."""
    with single_thread():
        return (torch.from_numpy(np.asarray(a, dtype=np.float64))
                @ torch.from_numpy(np.asarray(b, dtype=np.float64))).numpy()


def as_mask(v: Any) -> np.ndarray:
    """The mask v* as a 1-D int array of 0s and 1s (raises a clear error otherwise)."""
    mask = binary_array("v (the mask)", v, 1)
    integer("len(v)", mask.size, minimum=1)
    return mask


def all_inputs(d: int) -> np.ndarray:
    """Every x in {0,1}^d, shape (2^d, d); row n holds the bits of n (x_j = bit j of n)."""
    d = integer("d", d, minimum=1, maximum=24)
    n = np.arange(2**d)
    return ((n[:, None] >> np.arange(d)) & 1).astype(np.int64)


def parity_labels(x: Any, v: Any) -> np.ndarray:
    """y = (-1)^(v . x) for each row x (shape (n, d) -> (n,))."""
    mask = as_mask(v)
    inputs = binary_array("x", x, 2, mask.size)
    return 1 - 2 * ((inputs @ mask) % 2)


@dataclass
class TwoLayerNet:
    """f(x) = alpha . relu(W x + b) + beta with W of shape (k, d)."""

    W: np.ndarray
    b: np.ndarray
    alpha: np.ndarray
    beta: float

    def __post_init__(self) -> None:
        self.W = np.array(self.W, dtype=np.float64)
        self.b = np.array(self.b, dtype=np.float64)
        self.alpha = np.array(self.alpha, dtype=np.float64)
        if np.size(self.beta) != 1:
            raise ValueError(f"beta must be a single number, got shape {np.shape(self.beta)}")
        self.beta = float(np.reshape(self.beta, ()))
        if self.W.ndim != 2:
            raise ValueError(f"W must have shape (k, d), got shape {self.W.shape}")
        k = self.W.shape[0]
        for name, value in (("b", self.b), ("alpha", self.alpha)):
            if value.shape != (k,):
                raise ValueError(f"{name} must have shape ({k},) to match W {self.W.shape}, "
                                 f"got {value.shape}")

    @classmethod
    def from_vector(cls, p: Any, d: int, k: int) -> TwoLayerNet:
        """The network of p = (w_1, ..., w_k, b, alpha, beta), the order of :meth:`to_vector`."""
        d, k = integer("d", d, minimum=1), integer("k", k, minimum=1)
        p = np.asarray(p, dtype=np.float64)
        if p.shape != (d * k + 2 * k + 1,):
            raise ValueError(f"p must have dk + 2k + 1 = {d * k + 2 * k + 1} entries for d = {d}, "
                             f"k = {k}, got shape {p.shape}")
        return cls(p[: d * k].reshape(k, d), p[d * k: d * k + k], p[d * k + k: -1], p[-1])

    @property
    def d(self) -> int:
        return self.W.shape[1]

    @property
    def k(self) -> int:
        return self.W.shape[0]

    @property
    def n_params(self) -> int:
        """dk + 2k + 1, the length of p = (w_1, ..., w_k, b, alpha, beta)."""
        return self.k * self.d + 2 * self.k + 1

    def pre_activations(self, x: Any) -> np.ndarray:
        """h_i(x) = w_i . x + b_i for each row x, shape (n, k)."""
        return matmul64(binary_array("x", x, 2, self.d), self.W.T) + self.b

    def __call__(self, x: Any) -> np.ndarray:
        """f(x) for each row of x, shape (n,)."""
        return matmul64(np.maximum(self.pre_activations(x), 0.0), self.alpha) + self.beta

    def to_vector(self) -> np.ndarray:
        return np.concatenate([self.W.ravel(), self.b, self.alpha, [self.beta]])


def init_net(d: int, k: int, seed: int) -> TwoLayerNet:
    """torch.nn.Linear's default initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from numpy."""
    d, k = integer("d", d, minimum=1), integer("k", k, minimum=1)
    rng = np.random.default_rng([seed, 0])
    s, t = 1 / np.sqrt(d), 1 / np.sqrt(k)
    return TwoLayerNet(rng.uniform(-s, s, (k, d)), rng.uniform(-s, s, k),
                       rng.uniform(-t, t, k), rng.uniform(-t, t))
