"""Bias-free ReLU networks against linear regression (no intercept) on nonnegative features.

- :class:`BiasFreeReLUNet`: ``x -> W_{L+1} relu(W_L ... relu(W_1 x))``, no biases;
  :meth:`~BiasFreeReLUNet.from_weights` builds one from given matrices.
- :func:`squared_loss`, :func:`least_squares_fit`: the loss, and the best linear model
  ``x -> w^T x`` with its loss.

Training the networks (with and without the nonnegativity constraint) is an exercise of
``03_relu_vs_linear``, and so are the collapse of a nonnegative network to a linear model
and the construction of a network equal to a linear model; they are not here.

Data are float64 torch tensors or numpy arrays: ``X`` of shape ``(n, D)``, ``y`` of shape ``(n,)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ..validation import float_array, integer, integers, matrix_chain


class BiasFreeReLUNet(torch.nn.Module):
    """A fully connected ReLU network without biases and with one output.

    ``widths`` are the hidden widths ``[D_2, ..., D_{L+1}]`` (at least one). The first layer's
    weight has shape ``(widths[0], n_inputs)`` and the last ``(1, widths[-1])``. Initial
    weights are He-scaled Gaussians, or with ``nonnegative=True`` ``|N(0, 1)| / fan_in``.
    """

    def __init__(self, n_inputs: int, widths: Sequence[int], *, seed: int = 0,
                 nonnegative: bool = False) -> None:
        super().__init__()
        sizes = [integer("n_inputs", n_inputs, minimum=1),
                 *integers("widths", widths, minimum=1, min_length=1), 1]
        generator = torch.Generator().manual_seed(seed)
        self.layers = torch.nn.ModuleList()
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layer = torch.nn.Linear(fan_in, fan_out, bias=False, dtype=torch.float64)
            with torch.no_grad():
                weight = torch.randn(fan_out, fan_in, generator=generator, dtype=torch.float64)
                if nonnegative:  # |N(0, 1)| / fan_in keeps the (linear) product of order one
                    weight = weight.abs() / fan_in
                else:  # He initialisation
                    weight *= np.sqrt(2.0 / fan_in)
                layer.weight.copy_(weight)
            self.layers.append(layer)

    @classmethod
    def from_weights(cls, weights: Sequence[Any]) -> "BiasFreeReLUNet":
        """The network with exactly these weight matrices ``[W_1, ..., W_{L+1}]``."""
        mats = matrix_chain("weights", weights, min_length=2)
        if mats[-1].shape[0] != 1:
            raise ValueError(f"the last weight matrix must have one row (one output), got {tuple(mats[-1].shape)}")
        net = cls(mats[0].shape[1], [m.shape[0] for m in mats[:-1]])
        with torch.no_grad():
            for layer, weight in zip(net.layers, mats):
                layer.weight.copy_(torch.from_numpy(weight))
        return net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs of shape ``(n,)`` for inputs of shape ``(n, n_inputs)``."""
        if x.ndim != 2 or x.shape[1] != self.layers[0].in_features:
            raise ValueError(
                f"x must have shape (n, {self.layers[0].in_features}), got {tuple(x.shape)}"
            )
        h = x
        for layer in self.layers[:-1]:
            h = torch.relu(layer(h))
        return self.layers[-1](h).squeeze(-1)

    def predict(self, X: Any) -> np.ndarray:
        """Outputs for a numpy (or torch) input matrix, as a numpy array."""
        with torch.no_grad():
            return self(torch.from_numpy(float_array("X", X, ndim=2))).numpy()

    def weights(self) -> list[np.ndarray]:
        """Copies of ``[W_1, ..., W_{L+1}]``."""
        return [layer.weight.detach().numpy().copy() for layer in self.layers]


def squared_loss(predictions: Any, y: Any) -> float:
    """``1/2 sum_n (prediction_n - y_n)^2``."""
    p = torch.from_numpy(float_array("predictions", predictions, ndim=1))
    t = torch.from_numpy(float_array("y", y, ndim=1))
    if p.shape != t.shape:
        raise ValueError(f"predictions have shape {tuple(p.shape)} but y has {tuple(t.shape)}")
    return 0.5 * float(((p - t) ** 2).sum())


def least_squares_fit(X: Any, y: Any) -> tuple[np.ndarray, float]:
    """The minimum-norm least-squares weights ``w`` (no intercept) and their loss."""
    x, t = float_array("X", X, ndim=2), float_array("y", y, ndim=1)
    if x.shape[0] != t.shape[0]:
        raise ValueError(f"X has {x.shape[0]} rows but y has {t.shape[0]} entries")
    w = np.linalg.lstsq(x, t, rcond=None)[0]
    return w, squared_loss(x @ w, t)
