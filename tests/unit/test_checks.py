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


# ----------------------------------------------------------------- exercise frames
def test_exercise_passes_and_names_points(capsys: pytest.CaptureFixture[str]) -> None:
    with checks.exercise("Exercise 1: area", points=2):
        checks.check_scalar("area", 3.0, 3.0)
    assert "✓ Exercise 1: area: every check passed (2 points)." in capsys.readouterr().out


def test_exercise_turns_a_missing_answer_into_a_sentence() -> None:
    with pytest.raises(checks.ExerciseNotDone, match=r"Exercise 1 is not done yet: `area` is not defined"):
        with checks.exercise("Exercise 1"):
            area  # noqa: B018, F821 - the student has not defined it
    with pytest.raises(checks.ExerciseNotDone, match="still raises NotImplementedError"):
        with checks.exercise("Exercise 1"):
            raise NotImplementedError()


def test_exercise_prefixes_failures_and_names_other_errors() -> None:
    with pytest.raises(AssertionError, match=r"^Exercise 2: n is wrong"):
        with checks.exercise("Exercise 2"):
            checks.check_scalar("n", 1, 2)

    def broken() -> None:
        return undefined_inside  # noqa: F821 - a bug in the student's function

    with pytest.raises(AssertionError, match="your code raised NameError") as caught:
        with checks.exercise("Exercise 2"):
            broken()
    assert not isinstance(caught.value, checks.ExerciseNotDone)
    with pytest.raises(AssertionError, match="your code raised ZeroDivisionError"):
        with checks.exercise("Exercise 2"):
            1 / 0  # noqa: B018


def test_exercise_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="title must be a non-empty string"):
        checks.exercise("  ")
    with pytest.raises(ValueError, match="points must be a positive int"):
        checks.exercise("Exercise 1", points=0)


# ----------------------------------------------------------------- fingerprints
def test_fingerprint_rounds_and_tells_types_apart() -> None:
    assert checks.fingerprint(0.1 + 0.2) == checks.fingerprint(0.3)
    assert checks.fingerprint(3) == checks.fingerprint(3.0) == checks.fingerprint(np.int64(3))
    assert checks.fingerprint(3) != checks.fingerprint(4)
    assert checks.fingerprint([1, 2]) == checks.fingerprint(np.array([1, 2]))
    assert checks.fingerprint(1.234567, digits=3) == checks.fingerprint(1.23, digits=3)
    assert len(checks.fingerprint("x")) == 16
    with pytest.raises(TypeError, match="must be a number"):
        checks.fingerprint({1: 2})
    with pytest.raises(ValueError, match="digits must be an int from 1 to 15"):
        checks.fingerprint(1.0, digits=0)


def test_check_fingerprint_both_ways(capsys: pytest.CaptureFixture[str]) -> None:
    digest = checks.fingerprint(11173962)
    checks.check_fingerprint("count", 11173962, digest)
    assert "✓ count is correct." in capsys.readouterr().out
    with pytest.raises(AssertionError, match="count = 11173961 is not the right answer"):
        checks.check_fingerprint("count", 11173961, digest)
    with pytest.raises(AssertionError, match="is None"):
        checks.check_fingerprint("count", None, digest)
    with pytest.raises(ValueError, match="16-character"):
        checks.check_fingerprint("count", 1, "abc")


def test_check_fingerprint_survives_rounding_noise_at_a_digit_boundary() -> None:
    value = 0.1234565  # rounds to 0.123456 or 0.123457 depending on the last bit
    digest = checks.fingerprint(value)
    checks.check_fingerprint("v", value * (1 + 1e-12), digest)
    checks.check_fingerprint("v", value * (1 - 1e-12), digest)


# ----------------------------------------------------------------- source constraints
def _with_loop(x):  # noqa: ANN001, ANN202 - a student's answer
    return sum(v for v in x)


def _vectorised(x):  # noqa: ANN001, ANN202
    return np.sum(np.asarray(x))


def _uses_lstsq(a, b):  # noqa: ANN001, ANN202
    return np.linalg.lstsq(a, b, rcond=None)[0]


def test_check_source_enforces_the_stated_constraints() -> None:
    checks.check_source("f", _vectorised, forbid_loops=True, forbid_names=["lstsq"])
    with pytest.raises(AssertionError, match="uses a generator expression .* without loops"):
        checks.check_source("f", _with_loop, forbid_loops=True)
    with pytest.raises(AssertionError, match="uses `lstsq`"):
        checks.check_source("f", _uses_lstsq, forbid_names=["lstsq"])
    with pytest.raises(AssertionError, match="should be a function"):
        checks.check_source("f", 3, forbid_loops=True)
    with pytest.raises(AssertionError, match="cannot be read"):
        checks.check_source("f", len, forbid_loops=True)


def test_check_scalar_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    checks.check_scalar("x", 1.0, 1.0, quiet=True)
    assert capsys.readouterr().out == ""
    with pytest.raises(AssertionError, match="x is wrong"):
        checks.check_scalar("x", 2.0, 1.0, quiet=True)


def test_exercise_prints_warnings_instead_of_writing_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    import warnings

    with checks.exercise("Exercise 3"):
        warnings.warn("overflow in exp", RuntimeWarning)
        warnings.warn("overflow in exp", RuntimeWarning)
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("note: RuntimeWarning: overflow in exp") == 1 and "every check passed" in out
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        warnings.warn("after", UserWarning)
    assert len(outside) == 1  # the filter is restored after the block


_alias_lstsq = np.linalg.lstsq


def _uses_an_alias(a, b):  # noqa: ANN001, ANN202 - the alias is defined outside, in another cell
    return _alias_lstsq(a, b, rcond=None)[0]


def test_check_source_sees_through_aliases() -> None:
    with pytest.raises(AssertionError, match="uses `_alias_lstsq`, which is `lstsq`"):
        checks.check_source("f", _uses_an_alias, forbid_names=["lstsq"])
    import torch.func as tf_alias

    def uses_a_module_alias(f):  # noqa: ANN001, ANN202
        return tf_alias.grad(f)

    with pytest.raises(AssertionError, match="which is `torch.func`"):
        checks.check_source("g", uses_a_module_alias, forbid_names=["func"])
    checks.check_source("f", _vectorised, forbid_names=["lstsq", "func"])


def test_check_source_sees_imports_inside_the_answer() -> None:
    def imports_a_module(images):  # noqa: ANN001, ANN202
        from torchvision.transforms import functional as renamed

        return renamed.hflip(images)

    def imports_a_function(f):  # noqa: ANN001, ANN202
        import torch.func as tf

        return tf.grad(f)

    with pytest.raises(AssertionError, match="imports `torchvision`"):
        checks.check_source("imports_a_module", imports_a_module, forbid_names=["torchvision"])
    with pytest.raises(AssertionError, match="imports `func`"):
        checks.check_source("imports_a_function", imports_a_function, forbid_names=["func"])
    checks.check_source("imports_a_module", imports_a_module, forbid_names=["lstsq"])
