"""helpers.approximation.relu_net: networks from explicit weights, random networks, the piece bound, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.approximation import relu_net as rn


def test_forward_matches_hand_computation() -> None:
    net = rn.make_net([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.5]])
    np.testing.assert_allclose(net(np.array([-2.0, 0.0, 3.0])), [2.5, 0.5, 3.5])
    assert net.widths == (2,) and net.depth == 1 and net.input_dim == 1 and net.output_dim == 1


def test_forward_of_two_layers_and_two_outputs() -> None:
    # h = relu(x1 - x2), g = relu(2h - 1); outputs (g, h + 1)
    net = rn.make_net([[[1.0, -1.0]], [[2.0]], [[1.0], [0.0]]], [[0.0], [-1.0], [0.0, 1.0]])
    out = net(np.array([[3.0, 1.0], [0.0, 1.0]]))
    np.testing.assert_allclose(out, [[3.0, 1.0], [0.0, 1.0]])
    assert out.shape == (2, 2) and net.widths == (1, 1)


def test_make_net_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"weights\[1\] has 3 columns but weights\[0\] has 2 rows: expected shape \(1, 2\)"):
        rn.make_net([np.ones((2, 1)), np.ones((1, 3))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match=r"biases\[0\] has length 3 but weights\[0\] has 2 rows"):
        rn.make_net([np.ones((2, 1)), np.ones((1, 2))], [np.zeros(3), np.zeros(1)])
    with pytest.raises(ValueError, match="one vector per layer"):
        rn.make_net([np.ones((2, 1))], [])
    with pytest.raises(ValueError, match=r"weights\[0\] must be a 2-D array"):
        rn.make_net([np.ones(2)], [np.zeros(2)])
    with pytest.raises(ValueError, match="finite"):
        rn.make_net([np.full((1, 1), np.nan)], [np.zeros(1)])
    with pytest.raises(TypeError, match="non-empty list"):
        rn.make_net(np.ones((1, 1)), [np.zeros(1)])
    with pytest.raises(TypeError, match=r"weights\[0\] must be an array of numbers"):
        rn.make_net([[["a"]]], [np.zeros(1)])


def test_weights_cannot_be_changed_afterwards() -> None:
    net = rn.random_net(1, [3], seed=0)
    with pytest.raises(ValueError):
        net.weights[0][0, 0] = 1.0


def test_forward_rejects_wrong_input_shape() -> None:
    net = rn.random_net(2, [3], seed=0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 2\)"):
        net(np.zeros((4, 3)))


def test_random_net_is_seeded_and_he_initialised() -> None:
    a, b = rn.random_net(3, [400, 5], seed=1), rn.random_net(3, [400, 5], seed=1)
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert [w.shape for w in a.weights] == [(400, 3), (5, 400), (1, 5)]
    assert np.std(a.weights[1]) == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    free = rn.random_net(1, [4, 4], seed=2, bias=False)
    assert all(not b.any() for b in free.biases)


def test_random_net_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"widths\[1\] must be at least 1, got 0"):
        rn.random_net(1, [3, 0], seed=0)
    with pytest.raises(ValueError, match="input_dim"):
        rn.random_net(0, [3], seed=0)
    with pytest.raises(TypeError, match="widths must be a list"):
        rn.random_net(1, 3, seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bias_std"):
        rn.random_net(1, [3], seed=0, bias_std=-1.0)


def test_piece_upper_bound() -> None:
    assert rn.piece_upper_bound([3, 3]) == 16
    assert rn.piece_upper_bound([1]) == 2
    assert rn.piece_upper_bound([2, 5, 3]) == 3 * 6 * 4
    assert rn.piece_upper_bound([100] * 12) == 101**12  # exact, not a float
    with pytest.raises(ValueError, match="widths must be a non-empty list"):
        rn.piece_upper_bound([])
    with pytest.raises(ValueError, match=r"widths\[0\] must be at least 1, got 0"):
        rn.piece_upper_bound([0])


def test_draw_pieces_plots_the_polyline_through_the_kinks() -> None:
    # the tent map T(x) = 2 relu(x) - 4 relu(x - 1/2) bends at 0, 1/2 (and stays linear after)
    tent = rn.make_net([[[1.0], [1.0]], [[2.0, -4.0]]], [[0.0, -0.5], [0.0]])
    ax = Figure().subplots()
    rn.draw_pieces(ax, tent, [0.0, 0.5], -1.0, 1.0, title="tent")
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, [-1.0, 0.0, 0.5, 1.0])
    np.testing.assert_allclose(y, [0.0, 0.0, 1.0, 0.0])
    assert ax.get_title() == "tent" and ax.get_xlabel() == "input $x$"
    assert "kinks in view: 2" in [t.get_text() for t in ax.get_legend().get_texts()]
    many = Figure().subplots()
    rn.draw_pieces(many, tent, np.linspace(-0.9, 0.9, 50), -1.0, 1.0, title="t", max_markers=10)
    assert "kinks in view: 50 (too many to mark)" in [t.get_text() for t in many.get_legend().get_texts()]


def test_draw_pieces_rejects_bad_input() -> None:
    ax = Figure().subplots()
    with pytest.raises(ValueError, match="one input and one output"):
        rn.draw_pieces(ax, rn.random_net(2, [3], seed=0), [], -1.0, 1.0, title="t")
    with pytest.raises(ValueError, match="low must be below high"):
        rn.draw_pieces(ax, rn.random_net(1, [3], seed=0), [], 1.0, -1.0, title="t")
    with pytest.raises(ValueError, match="kinks must be a 1-D array"):
        rn.draw_pieces(ax, rn.random_net(1, [3], seed=0), [[0.0]], -1.0, 1.0, title="t")
