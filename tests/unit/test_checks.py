"""helpers.checks: right answers pass, wrong answers fail with a helpful message."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import checks


def test_check_array_passes_and_prints(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_array("W", np.eye(2), np.eye(2))
    assert "✓ W is correct." in capsys.readouterr().out


def test_check_array_accepts_torch_tensors() -> None:
    checks.check_array("t", torch.ones(3, requires_grad=True) * 2, np.full(3, 2.0), quiet=True)


def test_check_array_names_first_difference() -> None:
    expected = np.arange(6.0).reshape(2, 3)
    answer = expected.copy()
    answer[1, 2] += 1.0
    with pytest.raises(AssertionError, match=r"W is wrong at index \(1, 2\): expected 5.0, got 6.0\. 1 of 6"):
        checks.check_array("W", answer, expected)


def test_check_array_shape_mismatch_hints_transpose() -> None:
    with pytest.raises(AssertionError, match=r"shape \(2, 3\), but has shape \(3, 2\)\. It looks transposed"):
        checks.check_array("W", np.zeros((3, 2)), np.zeros((2, 3)))


def test_check_array_no_broadcasting() -> None:
    with pytest.raises(AssertionError, match="should have shape"):
        checks.check_array("v", np.zeros((3, 1)), np.zeros(3))


def test_check_array_dtype() -> None:
    with pytest.raises(AssertionError, match="dtype int64"):
        checks.check_array("y", np.zeros(3), np.zeros(3, dtype=np.int64), check_dtype=True)


def test_check_array_none_and_non_numbers() -> None:
    with pytest.raises(AssertionError, match="is None"):
        checks.check_array("W", None, np.zeros(2))
    with pytest.raises(AssertionError, match="must hold numbers"):
        checks.check_array("W", ["a", "b"], np.zeros(2))


def test_check_array_nan_is_a_difference() -> None:
    with pytest.raises(AssertionError, match="expected 1.0, got nan"):
        checks.check_array("x", np.array([np.nan]), np.array([1.0]))


def test_check_array_rejects_bad_tolerance() -> None:
    with pytest.raises(ValueError, match="rtol must be a non-negative number"):
        checks.check_array("W", 1.0, 1.0, rtol=-1)


def test_check_array_booleans() -> None:
    checks.check_array("mask", [True, False], np.array([True, False]), quiet=True)
    with pytest.raises(AssertionError, match="index \\(1,\\)"):
        checks.check_array("mask", [True, True], np.array([True, False]))


def test_check_scalar() -> None:
    checks.check_scalar("loss", torch.tensor(0.5), 0.5)
    with pytest.raises(AssertionError, match="single number"):
        checks.check_scalar("loss", [1.0, 2.0], 1.0)
    with pytest.raises(AssertionError, match="expected 0.5, got 0.6"):
        checks.check_scalar("loss", 0.6, 0.5)


def test_check_shape_wildcard() -> None:
    checks.check_shape("X", np.zeros((5, 3)), (None, 3))
    with pytest.raises(AssertionError, match=r"shape \(any, 4\)"):
        checks.check_shape("X", np.zeros((5, 3)), (None, 4))


def test_check_true(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_true(True, "never shown", success="fine")
    assert "✓ fine" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="the reason"):
        checks.check_true(False, "the reason")
    with pytest.raises(TypeError, match="must be a bool"):
        checks.check_true(np.array([True, True]), "arrays are ambiguous")  # type: ignore[arg-type]


def test_numerical_gradient_of_quadratic() -> None:
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.3, -0.7])
    grad = checks.numerical_gradient(lambda v: 0.5 * v @ a @ v, x)
    np.testing.assert_allclose(grad, a @ x, rtol=1e-8)


def test_numerical_gradient_leaves_input_unchanged() -> None:
    x = np.array([1.0, 2.0])
    checks.numerical_gradient(lambda v: float(v.sum() ** 2), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_rejects_bad_eps() -> None:
    with pytest.raises(ValueError, match="eps must be positive"):
        checks.numerical_gradient(np.sum, np.zeros(2), eps=0)


def test_check_gradient_right_and_wrong() -> None:
    x = np.array([[0.5, -1.0], [2.0, 0.1]])

    def f(m: np.ndarray) -> float:
        return float(np.sum(np.sin(m)))

    error = checks.check_gradient("dW", f, x, np.cos(x))
    assert error < 1e-8
    wrong = np.cos(x)
    wrong[1, 0] *= -1
    with pytest.raises(AssertionError, match=r"First wrong entry \(1, 0\)"):
        checks.check_gradient("dW", f, x, wrong)


def test_check_gradient_shape() -> None:
    with pytest.raises(AssertionError, match="should have shape"):
        checks.check_gradient("dW", np.sum, np.zeros((2, 2)), np.zeros(4))


def test_relative_error() -> None:
    assert checks.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert checks.relative_error([0.0, 2.0], [0.0, 1.0]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="shapes differ"):
        checks.relative_error([1.0], [1.0, 2.0])
