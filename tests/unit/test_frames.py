"""helpers.frames: pre-rendered frames come back pixel for pixel."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from helpers.frames import prerender, show_frame
from helpers.widgets import slider_figure


def draw_square(fig, colour: str) -> None:
    fig.set_layout_engine("none")
    ax = fig.add_axes((0.25, 0.25, 0.5, 0.5))
    ax.set_facecolor(colour)
    ax.set_xticks([])
    ax.set_yticks([])


def test_prerender_has_the_slider_size_and_survives_the_round_trip() -> None:
    image = prerender(draw_square, figsize=(2.0, 1.5), dpi=80, colour="red")
    assert image.shape == (120, 160, 4) and image.dtype == np.uint8
    assert tuple(image[60, 80, :3]) == (255, 0, 0) and tuple(image[2, 2, :3]) == (255, 255, 255)
    figure = slider_figure(lambda fig, c: show_frame(fig, image), c=[0], figsize=(2.0, 1.5))
    shown = np.asarray(Image.open(io.BytesIO(figure.render(c=0))).convert("RGBA"))
    assert shown.shape == image.shape
    assert np.abs(shown.astype(int) - image.astype(int)).max() <= 1


def test_bad_input_is_named() -> None:
    with pytest.raises(TypeError, match="draw must be callable"):
        prerender("draw", figsize=(1, 1))
    with pytest.raises(ValueError, match=r"image must be an \(H, W, 3 or 4\) array"):
        show_frame(None, np.zeros((4, 4)))
