"""helpers.linear_networks.capacity: torch layers with given weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.linear_networks.capacity import linear_layer


def test_linear_layer_computes_its_weight_and_bias() -> None:
    layer = linear_layer([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]], [0.5, -0.5])
    out = layer(torch.tensor([[1.0, 1.0, 1.0]])).detach().numpy()
    np.testing.assert_allclose(out, [[3.5, 1.5]])
    assert (layer.in_features, layer.out_features) == (3, 2) and layer.weight.dtype == torch.float32
    assert linear_layer(np.eye(2)).bias is None


def test_linear_layer_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"weight must be a 2-D array, got shape \(2,\)"):
        linear_layer([1.0, 2.0])
    with pytest.raises(ValueError, match=r"bias must have shape \(2,\)"):
        linear_layer(np.eye(2), [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="weight must be an array of numbers, got list"):
        linear_layer([["a"]])
