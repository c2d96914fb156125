"""helpers.parity.network: inputs, masks, labels and the two-layer network."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.parity import network as N


def test_all_inputs_lists_every_binary_vector_in_bit_order() -> None:
    x = N.all_inputs(3)
    assert x.shape == (8, 3)
    assert len({tuple(r) for r in x}) == 8
    assert (x @ (2 ** np.arange(3)) == np.arange(8)).all()


def test_parity_labels() -> None:
    x = np.array([[0, 0, 0], [1, 0, 1], [1, 1, 1], [0, 1, 0]])
    assert N.parity_labels(x, [1, 0, 1]).tolist() == [1, 1, 1, 1]
    assert N.parity_labels(x, [1, 1, 1]).tolist() == [1, 1, -1, -1]


@pytest.mark.parametrize(("d", "message"), [
    (0, "d must be at least 1, got 0"), (-2, "d must be at least 1, got -2"),
    (2.5, "d must be an int, got float"), (True, "d must be an int, got bool"), ("3", "d must be an int, got str"),
])
def test_bad_d_is_refused(d: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        N.all_inputs(d)  # type: ignore[arg-type]


def test_all_inputs_refuses_huge_d() -> None:
    with pytest.raises(ValueError, match="at most 24"):
        N.all_inputs(25)


def test_non_binary_inputs_and_masks_are_refused() -> None:
    with pytest.raises(ValueError, match="only 0s and 1s"):
        N.parity_labels([[0, 2, 1]], [1, 1, 1])
    with pytest.raises(ValueError, match="only 0s and 1s"):
        N.as_mask([1, -1, 0])
    with pytest.raises(ValueError, match="3 entries per row"):
        N.parity_labels([[0, 1]], [1, 1, 1])
    with pytest.raises(ValueError, match="1-D array"):
        N.as_mask([[1, 0]])
    net = N.TwoLayerNet(np.ones((2, 2)), np.zeros(2), np.ones(2), 0.0)
    with pytest.raises(ValueError, match="only 0s and 1s"):
        net(np.array([[0.5, 1.0]]))


def test_two_layer_net_checks_shapes_and_evaluates() -> None:
    with pytest.raises(ValueError, match="alpha must have shape"):
        N.TwoLayerNet(np.zeros((3, 2)), np.zeros(3), np.zeros(4), 0.0)
    with pytest.raises(ValueError, match="W must have shape"):
        N.TwoLayerNet(np.zeros(3), np.zeros(3), np.zeros(3), 0.0)
    with pytest.raises(ValueError, match="beta must be a single number"):
        N.TwoLayerNet(np.zeros((3, 2)), np.zeros(3), np.zeros(3), [0.0, 1.0])
    net = N.TwoLayerNet(np.ones((3, 2)), np.zeros(3), np.ones(3), 0.5)
    assert net.n_params == 3 * 2 + 2 * 3 + 1 == net.to_vector().size
    assert (net.d, net.k) == (2, 3)
    assert net(np.array([[1, 1]])).tolist() == [6.5]
    np.testing.assert_array_equal(net.pre_activations(np.array([[1, 0]])), [[1.0, 1.0, 1.0]])


def test_from_vector_inverts_to_vector() -> None:
    rng = np.random.default_rng(0)
    net = N.TwoLayerNet(rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=4), 0.7)
    back = N.TwoLayerNet.from_vector(net.to_vector(), 3, 4)
    for name in ("W", "b", "alpha"):
        np.testing.assert_array_equal(getattr(back, name), getattr(net, name))
    assert back.beta == net.beta
    with pytest.raises(ValueError, match="dk \\+ 2k \\+ 1 = 21"):
        N.TwoLayerNet.from_vector(np.zeros(20), 3, 4)


def test_init_net_follows_torch_default_bounds_and_is_seeded() -> None:
    net = N.init_net(16, 64, seed=3)
    assert np.abs(net.W).max() <= 1 / 4 and np.abs(net.b).max() <= 1 / 4
    assert np.abs(net.alpha).max() <= 1 / 8 and abs(net.beta) <= 1 / 8
    assert net.W.std() == pytest.approx(1 / 4 / np.sqrt(3), rel=0.05)  # uniform on [-1/4, 1/4]
    np.testing.assert_array_equal(net.W, N.init_net(16, 64, seed=3).W)
    assert not np.array_equal(net.W, N.init_net(16, 64, seed=4).W)


def test_matmul64_and_single_thread() -> None:
    saved = torch.get_num_threads()
    with N.single_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == saved
    a, b = np.arange(6.0).reshape(2, 3), np.arange(3.0)
    np.testing.assert_array_equal(N.matmul64(a, b), a @ b)
