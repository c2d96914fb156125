"""helpers.parity: the constructions on every input, training trajectories, exact gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import parity as P


def masks(d: int) -> np.ndarray:
    return P.all_inputs(d)


# ----------------------------------------------------------------------------- the setting
def test_all_inputs_lists_every_binary_vector_in_bit_order() -> None:
    x = P.all_inputs(3)
    assert x.shape == (8, 3)
    assert len({tuple(r) for r in x}) == 8
    assert (x @ (2 ** np.arange(3)) == np.arange(8)).all()


def test_parity_labels() -> None:
    x = np.array([[0, 0, 0], [1, 0, 1], [1, 1, 1], [0, 1, 0]])
    assert P.parity_labels(x, [1, 0, 1]).tolist() == [1, 1, 1, 1]
    assert P.parity_labels(x, [1, 1, 1]).tolist() == [1, 1, -1, -1]


@pytest.mark.parametrize("d", [0, -2, 2.5, True, "3"])
def test_bad_d_is_refused(d: object) -> None:
    with pytest.raises(ValueError, match="d must be an integer >= 1"):
        P.all_inputs(d)  # type: ignore[arg-type]


def test_non_binary_inputs_and_masks_are_refused() -> None:
    with pytest.raises(ValueError, match="only 0s and 1s"):
        P.parity_labels([[0, 2, 1]], [1, 1, 1])
    with pytest.raises(ValueError, match="only 0s and 1s"):
        P.parity_construction([1, -1, 0])
    with pytest.raises(ValueError, match="3 entries per row"):
        P.parity_labels([[0, 1]], [1, 1, 1])
    with pytest.raises(ValueError, match="only 0s and 1s"):
        P.parity_construction([1, 1])(np.array([[0.5, 1.0]]))


def test_two_layer_net_checks_shapes() -> None:
    with pytest.raises(ValueError, match="alpha must have shape"):
        P.TwoLayerNet(np.zeros((3, 2)), np.zeros(3), np.zeros(4), 0.0)
    net = P.TwoLayerNet(np.ones((3, 2)), np.zeros(3), np.ones(3), 0.5)
    assert net.n_params == 3 * 2 + 2 * 3 + 1 == net.to_vector().size
    assert net(np.array([[1, 1]])).tolist() == [6.5]


# ----------------------------------------------------------------------------- constructions
@pytest.mark.parametrize("d", range(1, 15))
def test_homework_construction_fails_only_for_all_ones_at_all_ones(d: int) -> None:
    ones = np.ones(d, dtype=int)
    x, f = P.wrong_inputs(P.homework_construction(ones), ones)
    assert x.tolist() == [[1] * d]
    assert f.tolist() == ([5.0] if d % 2 else [-1.0])
    rng = np.random.default_rng(d)
    tested = masks(d) if d <= 7 else rng.integers(0, 2, (30 if d <= 10 else 8, d))
    for v in tested:
        if v.sum() < d:
            assert P.max_error(P.homework_construction(v), v) == 0.0


@pytest.mark.parametrize("d", range(1, 13))
def test_corrected_construction_is_exact(d: int) -> None:
    rng = np.random.default_rng(d)
    tested = masks(d) if d <= 6 else np.vstack([np.ones((1, d), int), rng.integers(0, 2, (10, d))])
    for v in tested:
        for k in (P.min_units(d), 10 * d):
            assert P.max_error(P.parity_construction(v, k), v) == 0.0
        assert P.max_error(P.sawtooth_construction(v), v) == 0.0


@pytest.mark.parametrize("d", range(1, 13))
def test_min_units_is_tight_for_the_triple_construction(d: int) -> None:
    ones = np.ones(d, dtype=int)
    net = P.parity_construction(ones, P.min_units(d))
    net.alpha[-1] = 0.0  # drop the last unit the construction uses
    assert P.max_error(net, ones) > 1.0
    with pytest.raises(ValueError, match="k must be at least min_units"):
        P.parity_construction(ones, P.min_units(d) - 1)


def test_along_sum_traces_the_bumps() -> None:
    ones = np.ones(4, dtype=int)
    net = P.parity_construction(ones)
    s = np.array([0.0, 0.25, 1.0, 2.0, 3.0, 4.0])
    f = P.along_sum(net, ones, s).sum(1) + net.beta
    np.testing.assert_allclose(f, [1.0, 0.0, -1.0, 1.0, -1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(P.errors(net, ones), 0.0)
    with pytest.raises(ValueError, match="at least one 1"):
        P.along_sum(net, np.zeros(4, int), s)
    with pytest.raises(ValueError, match="d = 4 inputs but the mask has 3"):
        P.errors(net, [1, 1, 1])


def test_homework_construction_refuses_k_below_3d_over_2() -> None:
    with pytest.raises(ValueError, match="at least 3d/2"):
        P.homework_construction(np.ones(4, int), 5)


def test_check_parity_net_names_the_wrong_inputs() -> None:
    ones = np.ones(4, dtype=int)
    P.check_parity_net("corrected", P.parity_construction(ones), ones)
    with pytest.raises(AssertionError, match=r"wrong on 1 of 16 inputs.*x = 1111: f = -1, y = 1"):
        P.check_parity_net("homework", P.homework_construction(ones), ones)
    broken = P.parity_construction(ones)
    broken.beta = float("nan")
    with pytest.raises(AssertionError, match="wrong on 16 of 16 inputs"):
        P.check_parity_net("nan", broken, ones)
    with pytest.raises(TypeError, match="must be a TwoLayerNet"):
        P.check_parity_net("tuple", (1, 2), ones)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- the loss
def test_hinge_loss_value_and_shape_guard() -> None:
    f = torch.tensor([2.0, 0.5, -1.0])
    y = torch.tensor([1.0, 1.0, 1.0])
    assert P.hinge_loss(f, y).item() == pytest.approx((0 + 0.5 + 2) / 3)
    with pytest.raises(ValueError, match=r"f \(3, 1\) and y \(3,\)"):
        P.hinge_loss(f[:, None], y)
    with pytest.raises(TypeError, match="torch tensors"):
        P.hinge_loss(np.zeros(3), y)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- training
def test_runs_and_configs_are_validated() -> None:
    with pytest.raises(ValueError, match="d must be"):
        P.Run(0, 3, ())
    with pytest.raises(ValueError, match="at most 64"):
        P.make_run(65)
    with pytest.raises(ValueError, match="mask has 2 entries"):
        P.Run(3, 5, (1, 0))
    with pytest.raises(ValueError, match="lr > 0"):
        P.TrainConfig(lr=0.0)
    with pytest.raises(ValueError, match="ones must be"):
        P.make_run(4, ones=5)
    assert sum(P.make_run(9, ones=5).mask) == 5
    assert P.make_run(7).k == 70


@pytest.mark.parametrize("d", [1, 7, 30, 64])
def test_sample_batch_labels_and_stream_splitting(d: int) -> None:
    mask = np.random.default_rng(d).integers(0, 2, d)
    bits, y = P.sample_batch(np.random.default_rng(5).bit_generator, mask, 3000)
    assert bits.shape == (3000, d) and set(np.unique(bits)) <= {0, 1}
    np.testing.assert_array_equal(y, P.parity_labels(bits, mask))
    assert abs(bits.mean() - 0.5) < 0.03
    stream = np.random.default_rng(5).bit_generator
    first, _ = P.sample_batch(stream, mask, 1000)
    second, _ = P.sample_batch(stream, mask, 2000)
    np.testing.assert_array_equal(np.vstack([first, second]), bits)  # bulk = step by step


@pytest.mark.parametrize("d,k", [(5, 50), (12, 30)])
def test_fast_and_reference_training_follow_the_same_trajectory(d: int, k: int) -> None:
    run = P.make_run(d, k, seed=3, ones=(d + 1) // 2)
    config = P.TrainConfig(iterations=300)
    fast = P.train_fast(run, config, dtype=torch.float64)[0]
    ref = P.train_reference(run, config, dtype=torch.float64)
    np.testing.assert_allclose(fast.loss, ref.loss, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(fast.accuracy, ref.accuracy)
    np.testing.assert_allclose(fast.net.W, ref.net.W, atol=1e-10)
    np.testing.assert_allclose(fast.net.alpha, ref.net.alpha, atol=1e-10)
    fast32 = P.train_fast(run, config)[0]
    ref32 = P.train_reference(run, config)
    np.testing.assert_allclose(fast32.loss, ref32.loss, atol=1e-4)


def test_padded_runs_match_separate_runs() -> None:
    runs = [P.make_run(4, 7, seed=1), P.make_run(6, 20, seed=2), P.make_run(3, 5, seed=3)]
    config = P.TrainConfig(iterations=200)
    together = P.train_fast(runs, config, dtype=torch.float64)
    for run, joint in zip(runs, together):
        alone = P.train_fast(run, config, dtype=torch.float64)[0]
        assert joint.run == run
        np.testing.assert_allclose(joint.loss, alone.loss, atol=1e-12)
        np.testing.assert_allclose(joint.net.W, alone.net.W, atol=1e-12)
        assert joint.net.W.shape == (run.k, run.d)


def test_small_parity_is_learned() -> None:
    result = P.train_fast(P.make_run(4, 40, ones=2), P.TrainConfig(iterations=3000))[0]
    assert result.accuracy[-200:].mean() > 0.99
    assert result.loss[:50].mean() > 0.5


def test_smooth() -> None:
    centres, means = P.smooth(np.arange(10.0), 4)
    assert centres.tolist() == [2.0, 6.0] and means.tolist() == [1.5, 5.5]
    with pytest.raises(ValueError, match="longer than"):
        P.smooth(np.arange(3.0), 4)
    values = np.random.default_rng(0).normal(size=1000)
    centres, means = P.smooth_log(values, 50)
    assert centres[0] == 1.0 and means[0] == values[0] and centres[-1] < 1000
    widths = np.diff(np.unique(np.geomspace(1, 1001, 51).astype(int)))
    assert np.sum(means * widths) == pytest.approx(values.sum())


# ----------------------------------------------------------------------------- exact gradients
def random_net(d: int, k: int, seed: int, scale: float = 3.0) -> P.TwoLayerNet:
    rng = np.random.default_rng(seed)
    return P.TwoLayerNet(rng.normal(size=(k, d)) / np.sqrt(d), rng.normal(size=k),
                         scale * rng.normal(size=k) / np.sqrt(k), 0.1 * rng.normal())


def torch_loss(net: P.TwoLayerNet, x: np.ndarray, y: np.ndarray
               ) -> tuple[torch.Tensor, torch.Tensor]:
    p = torch.tensor(net.to_vector(), requires_grad=True)
    d, k = net.d, net.k
    W, b = p[: d * k].view(k, d), p[d * k: d * k + k]
    alpha, beta = p[d * k + k: d * k + 2 * k], p[-1]
    f = torch.relu(torch.as_tensor(x, dtype=torch.float64) @ W.T + b) @ alpha + beta
    return P.hinge_loss(f, torch.as_tensor(y, dtype=torch.float64)), p


def test_per_example_gradients_match_autograd() -> None:
    net = random_net(5, 7, 0)
    x = P.all_inputs(5)
    p = torch.tensor(net.to_vector())
    d, k = 5, 7

    def f(params: torch.Tensor) -> torch.Tensor:
        W, b = params[: d * k].view(k, d), params[d * k: d * k + k]
        hidden = torch.relu(torch.as_tensor(x, dtype=torch.float64) @ W.T + b)
        return hidden @ params[-k - 1: -1] + params[-1]

    jac = torch.autograd.functional.jacobian(f, p).numpy()
    np.testing.assert_allclose(P.per_example_gradients(net, x), jac, atol=1e-12)


@pytest.mark.parametrize("d", [3, 6])
def test_population_gradient_equals_autograd_on_all_inputs(d: int) -> None:
    net = random_net(d, 4 * d, seed=1)
    x = P.all_inputs(d)
    f = net(x)
    assert (np.abs(f) > 1).any() and (np.abs(f) < 1).any()  # both indicator cases occur
    a, G = P.population_gradients(net)
    for index, v in enumerate(masks(d)):
        loss, p = torch_loss(net, x, P.parity_labels(x, v))
        loss.backward()
        np.testing.assert_allclose(P.population_gradient(net, v), p.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(G[index], p.grad.numpy(), atol=1e-12)


def test_population_gradient_matches_a_sampled_estimate() -> None:
    d, n = 8, 40_000
    net = random_net(d, 16, 1)
    v = np.array([1, 0, 1, 1, 0, 1, 0, 1])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (n, d))
    y = P.parity_labels(x, v)
    loss, p = torch_loss(net, x, y)
    loss.backward()
    per_example = (-y * (y * net(x) <= 1))[:, None] * P.per_example_gradients(net, x)
    standard_error = per_example.std(0) / np.sqrt(n)
    error = np.abs(p.grad.numpy() - P.population_gradient(net, v))
    assert (error <= 5 * standard_error + 1e-12).all()
    assert error.max() > 0  # a sample, not the population


def test_fwht_is_the_hadamard_matrix_product() -> None:
    for d in range(0, 7):
        n = 2**d
        x = P.all_inputs(d) if d else np.zeros((1, 0), int)
        H = (-1.0) ** (x @ x.T)
        values = np.random.default_rng(d).normal(size=(n, 3))
        np.testing.assert_allclose(P.fwht(values), H @ values, atol=1e-12)
        np.testing.assert_allclose(P.fwht(values[:, 0]), H @ values[:, 0], atol=1e-12)
    with pytest.raises(ValueError, match="power of 2"):
        P.fwht(np.ones(6))


@pytest.mark.parametrize("d", [2, 5, 9])
def test_parseval_identity_and_bound(d: int) -> None:
    net = random_net(d, 3 * d, d)
    a, G = P.population_gradients(net)
    _, g = P.gradient_parts(net)
    exact = np.mean(np.sum((G - a) ** 2, axis=1))
    assert exact == pytest.approx(np.mean(np.sum(g**2, axis=1)) / 2**d, rel=1e-10)
    grad_f = P.per_example_gradients(net, P.all_inputs(d))
    c_p = P.gradient_entry_bound(net)
    assert np.abs(grad_f).max() <= c_p + 1e-12
    assert exact <= np.mean(np.sum(grad_f**2, axis=1)) / 2**d <= net.n_params * c_p**2 / 2**d


def test_gradient_entry_bound_is_attained() -> None:
    net = random_net(4, 6, 2, scale=20.0)  # large alphas dominate c_p
    grad_f = P.per_example_gradients(net, P.all_inputs(4))
    assert np.abs(grad_f).max() == pytest.approx(P.gradient_entry_bound(net))


# ----------------------------------------------------------------------------- deep networks
def test_deep_mlp_validation() -> None:
    with pytest.raises(ValueError, match="activation must be one of"):
        P.deep_mlp(3, 4, 2, "tanh")
    with pytest.raises(ValueError, match="depth must be"):
        P.deep_mlp(3, 4, 0)
    with pytest.raises(TypeError, match="Sequential"):
        P.layer_signals(torch.nn.Linear(3, 1), P.all_inputs(3))  # type: ignore[arg-type]


def test_layer_signals_backward_bound_and_weight_gradients() -> None:
    d = 3
    x = P.all_inputs(d)
    model = P.deep_mlp(d, 10, 4, "sigmoid", seed=1).double()
    signals = P.layer_signals(model, x)
    assert signals.backward.shape == (8, 5) and np.allclose(signals.backward[:, -1], 1.0)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for layer in range(4):  # sigmoid' <= 1/4 shrinks every backward step
        factor = 0.25 * torch.linalg.matrix_norm(linears[layer + 1].weight.detach(), 2).item()
        assert (signals.backward[:, layer] <= factor * signals.backward[:, layer + 1] + 1e-15).all()
    per_example = []
    for row in torch.as_tensor(x, dtype=torch.float64):
        model.zero_grad()
        model(row[None])[0, 0].backward()
        per_example.append([m.weight.grad.norm().item() for m in linears])
    expected = np.sqrt(np.mean(np.array(per_example) ** 2, axis=0))
    np.testing.assert_allclose(signals.weight_grad, expected, rtol=1e-10)
    assert signals.spread.shape == (4,)


def test_train_autograd_runs_deep_models() -> None:
    model = P.deep_mlp(3, 8, 2, "relu").double()
    result = P.train_autograd(model, [1, 1, 0], seed=0, config=P.TrainConfig(iterations=20))
    assert result.loss.shape == (20,) and result.run is None
    with pytest.raises(TypeError, match="nn.Module"):
        P.train_autograd("model", [1], 0)  # type: ignore[arg-type]
