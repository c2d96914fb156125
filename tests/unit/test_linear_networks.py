"""helpers.linear_networks: products, gradients, factorisations and critical points."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import linear_networks as ln
from helpers.checks import numerical_gradient


def random_layers(dims: list[int], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((dims[i + 1], dims[i])) for i in range(len(dims) - 1)]


def random_data(n: int, d: int, p: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal((n, p))


def torch_layer_gradients(layers: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> list[np.ndarray]:
    ws = [torch.tensor(w, requires_grad=True) for w in layers]
    out = torch.tensor(X)
    for w in ws:
        out = out @ w.T
    (0.5 * ((out - torch.tensor(Y)) ** 2).sum()).backward()
    return [w.grad.numpy() for w in ws]


# ----------------------------------------------------------------- forward
def test_product_and_loss_match_the_sum_over_examples() -> None:
    layers = random_layers([4, 3, 2])
    X, Y = random_data(7, 4, 2)
    W = ln.product(layers)
    np.testing.assert_allclose(W, layers[1] @ layers[0])
    by_example = 0.5 * sum(float(np.sum((W @ x - y) ** 2)) for x, y in zip(X, Y))
    assert ln.loss(W, X, Y) == pytest.approx(by_example)
    assert ln.layer_loss(layers, X, Y) == pytest.approx(by_example)


def test_product_rejects_layers_that_do_not_chain() -> None:
    with pytest.raises(ValueError, match=r"layers\[1\] has 4 columns but layers\[0\] has 3 rows"):
        ln.product([np.ones((3, 2)), np.ones((2, 4))])
    with pytest.raises(ValueError, match=r"layers\[0\] must be a 2-D array"):
        ln.product([np.ones(3)])
    with pytest.raises(TypeError, match="non-empty list"):
        ln.product([])
    with pytest.raises(TypeError, match="non-empty list"):
        ln.product(np.ones((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        ln.product([np.full((2, 2), np.inf)])


def test_loss_rejects_mismatched_data() -> None:
    X, Y = random_data(5, 3, 2)
    with pytest.raises(ValueError, match=r"W must have shape \(p, d\) = \(2, 3\)"):
        ln.loss(np.ones((3, 2)), X, Y)
    with pytest.raises(ValueError, match="X has 5 rows, Y has 4"):
        ln.loss(np.ones((2, 3)), X, Y[:4])
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        ln.loss(np.ones((2, 3)), X[0], Y)


# ----------------------------------------------------------------- gradients
def test_end_to_end_gradient_matches_finite_differences_and_not_its_transpose() -> None:
    X, Y = random_data(6, 3, 3, seed=1)
    W = np.random.default_rng(2).standard_normal((3, 3))
    G = ln.end_to_end_gradient(W, X, Y)
    numeric = numerical_gradient(lambda w: ln.loss(w, X, Y), W)
    np.testing.assert_allclose(G, numeric, rtol=1e-6, atol=1e-6)
    assert np.max(np.abs(G.T - numeric)) > 1e-2  # the transposed formula is a different matrix


@pytest.mark.parametrize("dims", [[3, 2], [4, 3, 2], [2, 5, 1, 3], [3, 3, 3, 3, 3]])
def test_layer_gradients_match_autograd_and_finite_differences(dims: list[int]) -> None:
    layers = random_layers(dims, seed=len(dims))
    X, Y = random_data(8, dims[0], dims[-1], seed=3)
    grads = ln.layer_gradients(layers, X, Y)
    for g, auto in zip(grads, torch_layer_gradients(layers, X, Y)):
        np.testing.assert_allclose(g, auto, rtol=1e-10, atol=1e-10)
    i = len(layers) // 2

    def f(w: np.ndarray) -> float:
        return ln.layer_loss(layers[:i] + [w] + layers[i + 1:], X, Y)

    np.testing.assert_allclose(grads[i], numerical_gradient(f, layers[i]), rtol=1e-5, atol=1e-5)


def test_layer_gradients_reject_layers_that_do_not_fit_the_data() -> None:
    X, Y = random_data(5, 3, 2)
    with pytest.raises(ValueError, match=r"map R\^4 to R\^2, but X has 3 columns"):
        ln.layer_gradients(random_layers([4, 2]), X, Y)


# ----------------------------------------------------------------- factorise
@pytest.mark.parametrize(
    ("p", "d", "rank", "widths"),
    [(3, 5, 2, [2]), (5, 3, 3, [4, 3, 6]), (4, 4, 1, [1, 1]), (2, 6, 2, []), (4, 4, 0, [1])],
)
def test_factorise_reproduces_the_target_with_the_requested_widths(p: int, d: int, rank: int,
                                                                    widths: list[int]) -> None:
    rng = np.random.default_rng(rank)
    W0 = rng.standard_normal((p, rank)) @ rng.standard_normal((rank, d))
    layers = ln.factorise(W0, widths)
    assert [w.shape for w in layers] == list(zip([*widths, p], [d, *widths]))
    np.testing.assert_allclose(ln.product(layers), W0, atol=1e-10)


def test_factorise_rejects_a_rank_above_the_narrowest_width() -> None:
    W0 = np.random.default_rng(0).standard_normal((4, 5))
    with pytest.raises(ValueError, match=r"rank 4 but the narrowest inner width is widths\[1\] = 3"):
        ln.factorise(W0, [5, 3, 4])


def test_factorise_rejects_bad_widths() -> None:
    W0 = np.eye(3)
    with pytest.raises(ValueError, match=r"widths\[1\] must be a positive int, got 0"):
        ln.factorise(W0, [3, 0])
    with pytest.raises(ValueError, match=r"widths\[0\] must be a positive int, got -2"):
        ln.factorise(W0, [-2])
    with pytest.raises(ValueError, match=r"widths\[0\] must be a positive int, got 2.5"):
        ln.factorise(W0, [2.5])
    with pytest.raises(TypeError, match="widths must be a list"):
        ln.factorise(W0, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="W0 must be a 2-D array"):
        ln.factorise(np.ones(3), [2])


# ----------------------------------------------------------------- best reachable
def test_best_low_rank_is_eckart_young() -> None:
    W0 = np.random.default_rng(1).standard_normal((5, 4))
    s = np.linalg.svd(W0, compute_uv=False)
    for r in range(5):
        B = ln.best_low_rank(W0, r)
        assert np.linalg.matrix_rank(B) == min(r, 4)
        assert np.linalg.norm(W0 - B) == pytest.approx(np.sqrt(np.sum(s[r:] ** 2)), abs=1e-12)
    with pytest.raises(ValueError, match="rank must be a non-negative int"):
        ln.best_low_rank(W0, -1)


def test_least_squares_solves_the_normal_equations() -> None:
    X, Y = random_data(10, 4, 3)
    W = ln.least_squares(X, Y)
    np.testing.assert_allclose(W @ X.T @ X, Y.T @ X, atol=1e-10)


def test_reduced_rank_regression_beats_random_rank_r_matrices() -> None:
    X, Y = random_data(20, 4, 3, seed=4)
    rng = np.random.default_rng(5)
    for r in (1, 2):
        W = ln.reduced_rank_regression(X, Y, r)
        assert np.linalg.matrix_rank(W) == r
        best = ln.loss(W, X, Y)
        for _ in range(200):
            other = rng.standard_normal((3, r)) @ rng.standard_normal((r, 4))
            assert ln.loss(other, X, Y) >= best - 1e-12
        # a local perturbation within rank r cannot improve either
        A = W + 1e-3 * rng.standard_normal((3, 4))
        assert ln.loss(ln.best_low_rank(A, r), X, Y) >= best - 1e-12
    np.testing.assert_allclose(ln.reduced_rank_regression(X, Y, 3), ln.least_squares(X, Y), atol=1e-10)


# ----------------------------------------------------------------- critical points
def test_critical_point_has_zero_gradients_and_the_predicted_loss() -> None:
    X, Y = random_data(30, 4, 3, seed=6)
    W_ls = ln.least_squares(X, Y)
    s = np.linalg.svd(W_ls @ X.T, compute_uv=False)
    for keep, widths in (([1], [2]), ([0, 2], [3, 2]), ([], [1])):
        layers = ln.critical_point(X, Y, keep, widths)
        for g in ln.layer_gradients(layers, X, Y):
            assert np.max(np.abs(g)) < 1e-9
        dropped = [k for k in range(3) if k not in keep]
        expected = ln.loss(W_ls, X, Y) + 0.5 * float(np.sum(s[dropped] ** 2))
        assert ln.layer_loss(layers, X, Y) == pytest.approx(expected, rel=1e-10)


def test_critical_point_rejects_bad_directions() -> None:
    X, Y = random_data(10, 4, 3)
    with pytest.raises(ValueError, match=r"keep\[0\] must be an int in \[0, 3\)"):
        ln.critical_point(X, Y, [3], [2])
    with pytest.raises(ValueError, match="must not repeat"):
        ln.critical_point(X, Y, [1, 1], [2])
    with pytest.raises(ValueError, match="rank 2 but the narrowest inner width"):
        ln.critical_point(X, Y, [0, 1], [1])
    with pytest.raises(TypeError, match="keep must be a list"):
        ln.critical_point(X, Y, 1, [2])  # type: ignore[arg-type]


# ----------------------------------------------------------------- training
def test_initial_layers_have_the_promised_singular_values() -> None:
    layers = ln.initial_layers((5, 3, 4, 2), 0.5, seed=1)
    assert [w.shape for w in layers] == [(3, 5), (4, 3), (2, 4)]
    s = np.linalg.svd(ln.product(layers), compute_uv=False)
    assert np.all(s <= 0.5**3 + 1e-12) and s[0] > 0
    square = np.linalg.svd(ln.product(ln.initial_layers((3, 3, 3), 0.5, seed=2)), compute_uv=False)
    np.testing.assert_allclose(square, 0.25, rtol=1e-10)
    assert all(not w.any() for w in ln.initial_layers((3, 3, 3), 0.0))
    with pytest.raises(ValueError, match="scale must be a finite number >= 0"):
        ln.initial_layers((3, 3), -1.0)
    with pytest.raises(ValueError, match=r"widths\[1\] must be a positive int"):
        ln.initial_layers((3, 0, 3), 1.0)


def test_train_reaches_the_best_reachable_loss_and_is_deterministic() -> None:
    X, Y = random_data(40, 4, 3, seed=7)
    X = X / np.sqrt(40)
    run = ln.train(X, Y, [3, 1], steps=3000, lr=0.05, init_scale=0.3, seed=0, record_every=100)
    best = ln.loss(ln.reduced_rank_regression(X, Y, 1), X, Y)
    assert run.losses[-1] == pytest.approx(best, rel=1e-6)
    assert run.steps[-1] == 3000 and run.singular_values.shape == (len(run.steps), 3)
    G = ln.end_to_end_gradient(ln.product(run.layers), X, Y)
    assert run.gradient_norms[-1] == pytest.approx(np.linalg.norm(G), rel=1e-9)
    assert run.gradient_norms[-1] > 0.1  # the normal equations fail behind a bottleneck
    wide = ln.train(X, Y, [3, 3], steps=3000, lr=0.05, init_scale=0.3, seed=0, record_every=100)
    assert wide.gradient_norms[-1] < 1e-6
    again = ln.train(X, Y, [3, 1], steps=3000, lr=0.05, init_scale=0.3, seed=0, record_every=100)
    np.testing.assert_array_equal(run.losses, again.losses)


def test_train_from_zero_stays_at_zero_for_depth_two_or_more() -> None:
    X, Y = random_data(10, 3, 2)
    run = ln.train(X, Y, [3], steps=50, lr=0.01, init_scale=0.0)
    assert np.all(run.losses == run.losses[0]) and not ln.product(run.layers).any()


def test_train_reports_divergence_and_bad_arguments() -> None:
    X, Y = random_data(10, 3, 2)
    with pytest.raises(FloatingPointError, match="lower lr"):
        ln.train(X, Y, [3], steps=200, lr=10.0, init_scale=0.5)
    with pytest.raises(ValueError, match="steps must be a positive int"):
        ln.train(X, Y, [3], steps=0, lr=0.1, init_scale=0.5)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        ln.train(X, Y, [3], steps=10, lr=-0.1, init_scale=0.5)
    with pytest.raises(ValueError, match=r"widths\[0\] must be a positive int"):
        ln.train(X, Y, [0], steps=10, lr=0.1, init_scale=0.5)
