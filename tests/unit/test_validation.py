"""helpers.validation: every argument check names the argument and what was expected."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import validation as v


def test_integer() -> None:
    assert v.integer("n", np.int64(3), minimum=1, maximum=3) == 3
    with pytest.raises(TypeError, match="n must be an int, got bool"):
        v.integer("n", True)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        v.integer("n", 2.0)
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        v.integer("n", 0, minimum=1)
    with pytest.raises(ValueError, match="n must be at most 3, got 4"):
        v.integer("n", 4, maximum=3)
    with pytest.raises(ValueError, match="^n must be at least 1, got 0$"):
        v.integer("n", np.int64(0), minimum=1)


def test_number() -> None:
    assert v.number("lr", 1) == 1.0
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        v.number("lr", "0.1")
    with pytest.raises(ValueError, match="lr must be finite"):
        v.number("lr", float("nan"))
    with pytest.raises(ValueError, match="lr must be positive, got 0.0"):
        v.number("lr", 0, positive=True)
    with pytest.raises(ValueError, match=r"p must be at most 1, got 1.5"):
        v.number("p", 1.5, minimum=0, maximum=1)
    with pytest.raises(ValueError, match=r"p must be at least 0, got -0.5"):
        v.number("p", -0.5, minimum=0)


def test_float_array() -> None:
    np.testing.assert_array_equal(v.float_array("x", torch.ones(2), ndim=1), [1.0, 1.0])
    with pytest.raises(TypeError, match="x must be an array of numbers, got list"):
        v.float_array("x", [[1, 2], [3]])
    with pytest.raises(ValueError, match=r"x must be a 2-D array, got shape \(3,\)"):
        v.float_array("x", [1, 2, 3], ndim=2)
    with pytest.raises(ValueError, match="x must not be empty"):
        v.float_array("x", np.zeros((0, 2)), nonempty=True)
    with pytest.raises(ValueError, match="x must be finite"):
        v.float_array("x", [np.inf])


def test_one_of() -> None:
    assert v.one_of("mode", "reflect", ["zeros", "reflect"]) == "reflect"
    with pytest.raises(ValueError, match=r"mode must be one of \['zeros', 'reflect'\], got 'wrap'"):
        v.one_of("mode", "wrap", ["zeros", "reflect"])


def test_a_wrong_kind_is_a_type_error_and_a_value_error() -> None:
    for call in (lambda: v.integer("n", "3"), lambda: v.number("lr", None), lambda: v.float_array("x", "a"),
                 lambda: v.sequence("widths", 3), lambda: v.tensor("images", [1.0])):
        with pytest.raises(v.KindError):
            call()
    assert issubclass(v.KindError, TypeError) and issubclass(v.KindError, ValueError)


def test_optional_integer() -> None:
    assert v.optional_integer("n_train", None, minimum=1) is None
    assert v.optional_integer("n_train", np.int32(5), minimum=1, maximum=5) == 5
    with pytest.raises(TypeError, match="n_train must be an int or None, got float"):
        v.optional_integer("n_train", 2.5)
    with pytest.raises(TypeError, match="n_train must be an int or None, got bool"):
        v.optional_integer("n_train", False)
    with pytest.raises(ValueError, match="n_train must be at least 1, got 0"):
        v.optional_integer("n_train", 0, minimum=1)
    with pytest.raises(ValueError, match="n_train must be at most 12, got 13"):
        v.optional_integer("n_train", 13, maximum=12)


def test_sequence() -> None:
    assert v.sequence("xs", (1, "a")) == [1, "a"]
    assert v.sequence("xs", range(2), min_length=2) == [0, 1]
    with pytest.raises(TypeError, match="xs must be a list of items, got str"):
        v.sequence("xs", "ab")
    with pytest.raises(TypeError, match="xs must be a list of items, got ndarray"):
        v.sequence("xs", np.zeros(2))
    with pytest.raises(TypeError, match="layers must be a non-empty list of matrices, got an empty list"):
        v.sequence("layers", [], min_length=1, of="matrices")
    with pytest.raises(ValueError, match="weights must be a list of at least 2 matrices, got a list of 1"):
        v.sequence("weights", [np.eye(2)], min_length=2, of="matrices")


def test_integers() -> None:
    assert v.integers("widths", [3, np.int64(2)], minimum=1) == (3, 2)
    assert v.integers("widths", []) == ()
    with pytest.raises(TypeError, match="widths must be a list of ints, got int"):
        v.integers("widths", 3)
    with pytest.raises(TypeError, match="widths must be a non-empty list of ints, got an empty list"):
        v.integers("widths", [], min_length=1)
    with pytest.raises(TypeError, match=r"widths\[1\] must be an int, got float"):
        v.integers("widths", [3, 2.5])
    with pytest.raises(ValueError, match=r"widths\[1\] must be at least 1, got 0"):
        v.integers("widths", [3, 0], minimum=1)


def test_matrix_chain() -> None:
    mats = v.matrix_chain("layers", [torch.ones(3, 2), [[1.0, 2.0, 3.0]]], nonempty=True)
    assert [m.shape for m in mats] == [(3, 2), (1, 3)] and mats[0].dtype == np.float64
    assert [m.shape for m in v.matrix_chain("weights", [np.ones((0, 3)), np.ones((1, 0))])] == [(0, 3), (1, 0)]
    with pytest.raises(TypeError, match="layers must be a non-empty list of matrices, got ndarray"):
        v.matrix_chain("layers", np.ones((2, 2)))
    with pytest.raises(TypeError, match="layers must be a non-empty list of matrices, got an empty list"):
        v.matrix_chain("layers", [])
    with pytest.raises(ValueError, match="weights must be a list of at least 2 matrices, got a list of 1"):
        v.matrix_chain("weights", [np.ones((1, 2))], min_length=2)
    with pytest.raises(ValueError, match=r"layers\[0\] must be a 2-D array, got shape \(3,\)"):
        v.matrix_chain("layers", [np.ones(3)])
    with pytest.raises(ValueError, match=r"layers\[0\] must not be empty"):
        v.matrix_chain("layers", [np.ones((0, 2))], nonempty=True)
    with pytest.raises(ValueError, match=r"layers\[1\] must be finite"):
        v.matrix_chain("layers", [np.ones((2, 2)), np.full((1, 2), np.nan)])
    with pytest.raises(ValueError, match=r"layers\[1\] has 4 columns but layers\[0\] has 3 rows: "
                                         r"expected shape \(2, 3\)"):
        v.matrix_chain("layers", [np.ones((3, 2)), np.ones((2, 4))])


def test_tensor() -> None:
    images = torch.zeros(2, 3, 4, 4)
    assert v.tensor("images", images, ndim=4) is images
    with pytest.raises(TypeError, match="images must be a torch.Tensor, got ndarray"):
        v.tensor("images", np.zeros((2, 3, 4, 4)))
    with pytest.raises(ValueError, match=r"images must be a 4-D tensor \(N, C, H, W\), got shape \(3, 4, 4\)"):
        v.tensor("images", torch.zeros(3, 4, 4), ndim=4, axes="(N, C, H, W)")
    with pytest.raises(ValueError, match=r"labels must be a 1-D tensor, got shape \(2, 2\)"):
        v.tensor("labels", torch.zeros(2, 2), ndim=1)
