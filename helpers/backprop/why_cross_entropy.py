"""The data of ``chapters/03_backprop/04_why_cross_entropy``: two clouds of points in the plane.

The losses, their gradients and the gradient-descent loop that stalls are the student's;
this module only draws the data they are tried on (:func:`two_blobs`).
"""

from __future__ import annotations

import numpy as np

from ..validation import integer, number


def two_blobs(n: int = 200, *, distance: float = 3.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in the plane from two unit Gaussians ``distance`` apart, labels 0 and 1.

    Class 1 is centred at ``(distance/2, 0)`` and class 0 at ``(-distance/2, 0)``; half the
    points belong to each class. Returns ``x`` of shape ``(n, 2)`` and ``y`` of shape ``(n,)``
    (float64, values 0.0 and 1.0).
    """
    n = integer("two_blobs(): n", n, minimum=2)
    distance = number("two_blobs(): distance", distance, minimum=0)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.float64)
    x = rng.normal(size=(n, 2))
    x[:, 0] += np.where(y == 1, distance / 2, -distance / 2)
    return x, y
