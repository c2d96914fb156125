"""helpers.plotting: one style, labelled axes, clear errors."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from helpers import plotting


def test_style_uses_palette() -> None:
    plotting.use_book_style()
    colors = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    assert tuple(colors) == plotting.PALETTE


def test_label_sets_title_axes_and_legend() -> None:
    ax = Figure().add_subplot()
    ax.plot([0, 1], label="line")
    plotting.label(ax, title="T", xlabel="x", ylabel="y")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "x", "y")
    assert ax.get_legend() is not None


def test_label_without_labelled_artists_adds_no_legend() -> None:
    ax = Figure().add_subplot()
    ax.plot([0, 1])
    plotting.label(ax, title="T", xlabel="x", ylabel="y")
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="legend=True but no plotted artist"):
        plotting.label(ax, title="T", xlabel="x", ylabel="y", legend=True)


@pytest.mark.parametrize("field", ["title", "xlabel", "ylabel"])
def test_label_requires_text(field: str) -> None:
    kwargs = {"title": "T", "xlabel": "x", "ylabel": "y", field: " "}
    with pytest.raises(ValueError, match=f"{field} must be a non-empty string"):
        plotting.label(Figure().add_subplot(), **kwargs)


def test_colors() -> None:
    assert len(set(plotting.colors(10))) == 10
    assert plotting.colors(12)[10] == plotting.colors(12)[0]
    with pytest.raises(ValueError, match=r"colors\(\): n must be at least 1, got 0"):
        plotting.colors(0)


def test_log_axis() -> None:
    ax = Figure().add_subplot()
    ax.plot([1, 2, 3], [1e-3, 1e-1, 10])
    plotting.log_axis(ax)
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert ax.yaxis.get_major_formatter()(1e-3, 0) == "$10^{-3}$"
    plotting.log_axis(ax, "x", numticks=4)
    assert ax.get_xscale() == "log"
    with pytest.raises(ValueError, match=r"log_axis\(\): axis must be one of \['x', 'y'\], got 'z'"):
        plotting.log_axis(ax, "z")
    with pytest.raises(ValueError, match=r"log_axis\(\): numticks must be at least 2, got 1"):
        plotting.log_axis(ax, "x", numticks=1)
