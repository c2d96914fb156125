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
