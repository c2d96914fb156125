"""helpers.approximation.xor: each check passes the right answer and fails wrong ones, saying why."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.approximation import xor

COORDS = np.sort(np.concatenate([np.arange(-20, 21) / 10, [-1e-9, 1e-9]]))
GRID = np.stack(np.meshgrid(COORDS, COORDS), axis=-1).reshape(-1, 2)
X1, X2 = GRID[:, 0], GRID[:, 1]


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def and_like(x: np.ndarray) -> np.ndarray:
    a, b = relu(x[:, 0]), relu(x[:, 1])
    return a - relu(a - b)


def test_check_xor(capsys: pytest.CaptureFixture[str]) -> None:
    xor.check_xor([0.0, 1.0, 1.0, 0.0])
    assert "computes XOR on all four inputs" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"x = \(1, 1\): f\(x\) = 1, XOR = 0"):
        xor.check_xor([0.0, 1.0, 1.0, 1.0])
    with pytest.raises(AssertionError, match=r"should have shape \(4,\)"):
        xor.check_xor([0.0, 1.0, 1.0])


def test_check_zero_on_diagonal(capsys: pytest.CaptureFixture[str]) -> None:
    diff = X1 - X2
    xor.check_zero_on_diagonal("|x1 - x2|", relu(diff) + relu(-diff), GRID)
    assert "0 where x1 = x2 and positive elsewhere" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"should be 0 wherever x1 = x2, but is not at 21 of the 43"):
        xor.check_zero_on_diagonal("relu(x1 + x2)", relu(X1 + X2), GRID)  # not 0 at (t, t), t > 0
    with pytest.raises(AssertionError, match=r"should be positive wherever x1 != x2"):
        xor.check_zero_on_diagonal("relu(x1 - x2)", relu(diff), GRID)  # 0 where x1 < x2
    with pytest.raises(AssertionError, match=r"should have shape"):
        xor.check_zero_on_diagonal("too short", relu(diff)[:-1], GRID)


def test_check_sign_pattern() -> None:
    quadrant = (X1 > 0) & (X2 > 0)
    xor.check_sign_pattern("and", and_like(GRID), quadrant, GRID)
    with pytest.raises(AssertionError, match="wrong sign at"):
        xor.check_sign_pattern("or", relu(X1) + relu(X2), quadrant, GRID)
    with pytest.raises(AssertionError, match="should have shape"):
        xor.check_sign_pattern("short", and_like(GRID)[:-1], quadrant, GRID)


def test_check_continuous() -> None:
    xor.check_continuous("and", and_like, GRID)
    with pytest.raises(AssertionError, match="is not continuous"):
        xor.check_continuous("indicator", lambda p: ((p[:, 0] > 0) & (p[:, 1] > 0)).astype(float), GRID)


def test_check_piecewise_linear() -> None:
    xor.check_piecewise_linear("and", and_like)
    with pytest.raises(AssertionError, match="is not piecewise linear"):
        xor.check_piecewise_linear("product", lambda p: relu(p[:, 0]) * relu(p[:, 1]))


def test_check_only_relu() -> None:
    xor.check_only_relu("and", and_like)

    def with_minimum(x: np.ndarray) -> np.ndarray:
        return np.minimum(relu(x[:, 0]), relu(x[:, 1]))

    def with_where(x: np.ndarray) -> np.ndarray:
        return np.where(x[:, 0] > 0, x[:, 1], 0.0)

    for function, name in ((with_minimum, "minimum"), (with_where, "where")):
        with pytest.raises(AssertionError, match=f"uses `{name}`"):
            xor.check_only_relu("f", function)
