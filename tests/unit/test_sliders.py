"""helpers.sliders and helpers.progress: the one slider function, live and static, and the progress bar."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import progress as progress_module
from helpers import sliders
from helpers.sliders import draw_ahead

ROOT = Path(__file__).resolve().parents[2]


def draw_line(fig, slope, offset=0.0):  # noqa: ANN001 - matplotlib figure
    ax = fig.add_subplot()
    ax.plot([0, 1], [offset, offset + slope], label="line")
    ax.set_ylim(-5, 5)


def test_live_widget_redraws_when_a_slider_moves() -> None:
    figure = sliders.slider_figure(draw_line, slope=[-1, 0, 2], offset=np.linspace(0, 1, 3))
    box = figure.widget()
    assert set(box.sliders) == {"slope", "offset"}
    first = box.image.value
    box.sliders["slope"].value = 2
    assert box.image.value != first
    assert box.message.value == ""


def test_live_widget_shows_errors_from_draw() -> None:
    def draw(fig, x):  # noqa: ANN001
        if x == 2:
            raise ValueError(f"no figure for x={x}")

    box = sliders.slider_figure(draw, x=[1, 2]).widget()
    assert box.message.value == ""
    box.sliders["x"].value = 2
    assert "ValueError: no figure for x=2" in box.message.value
    box.sliders["x"].value = 1
    assert box.message.value == ""


def test_defaults_and_labels() -> None:
    figure = sliders.slider_figure(draw_line, slope=[1, 2, 3], defaults={"slope": 2},
                                   labels={"slope": "slope a"})
    assert figure.default_values() == {"slope": 2}
    box = figure.widget()
    assert box.sliders["slope"].value == 2
    assert box.sliders["slope"].description == "slope a"


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"slope": 3}, TypeError, "needs a sequence of values"),
        ({"slope": "abc"}, TypeError, "needs a sequence of values"),
        ({"slope": []}, ValueError, "has no values"),
        ({"slope": [1, 2, 1]}, ValueError, r"repeats the values \[1\]"),
        ({}, ValueError, "at least one slider"),
        ({"slope": [1], "defaults": {"slope": 5}}, ValueError, "default 5 for 'slope' is not one of"),
        ({"slope": [1], "defaults": {"width": 5}}, ValueError, r"defaults names unknown sliders \['width'\]"),
        ({"slope": [1], "labels": {"w": "x"}}, ValueError, "labels names unknown sliders"),
        ({"slope": [1], "max_static_frames": 0}, ValueError, "max_static_frames must be a positive int"),
    ],
)
def test_bad_arguments(kwargs: dict, error: type[Exception], pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        sliders.slider_figure(draw_line, **kwargs)


def test_draw_must_be_callable() -> None:
    with pytest.raises(TypeError, match="draw must be callable"):
        sliders.slider_figure("not a function", x=[1])  # type: ignore[arg-type]


def test_render_checks_values() -> None:
    figure = sliders.slider_figure(draw_line, slope=[1, 2])
    with pytest.raises(ValueError, match=r"missing \['slope'\], unexpected \['width'\]"):
        figure.render(width=3)


def _spec(page: str) -> dict:
    match = re.search(r'<script type="application/json">(.*?)</script>', page, re.S)
    assert match, "static page has no frame data"
    return json.loads(match.group(1))


def test_static_html_has_one_frame_per_position() -> None:
    figure = sliders.slider_figure(draw_line, slope=[1, 2, 3], offset=[0.0, 0.5],
                                   defaults={"slope": 2})
    page = figure.static_html()
    spec = _spec(page)
    assert len(spec["frames"]) == 6
    assert len(set(spec["frames"])) == 6  # every position draws something different
    assert spec["values"] == [["1", "2", "3"], ["0", "0.5"]]
    assert spec["start"] == [1, 0]
    assert spec["positions"] == 6
    assert "slider-figure-note" not in page


def test_static_grid_is_thinned_and_says_so() -> None:
    figure = sliders.slider_figure(draw_line, slope=list(range(30)), offset=[0.0, 1.0],
                                   defaults={"slope": 13}, max_static_frames=12)
    grid = figure.static_grid()
    assert grid["offset"] == [0, 1]
    assert grid["slope"][0] == 0 and grid["slope"][-1] == 29 and 13 in grid["slope"]
    assert len(grid["slope"]) * 2 <= 14
    page = figure.static_html()
    assert len(_spec(page)["frames"]) == len(grid["slope"]) * 2
    assert _spec(page)["positions"] == 60
    assert "of 30 values of slope" in page


def test_static_mode_displays_every_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(progress_module.STATIC_ENV, "1")
    assert progress_module.static_mode()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    sliders.slider_figure(draw_line, slope=[1, 2])._ipython_display_()
    assert 'class="slider-figure"' in shown[0].data
    assert len(_spec(shown[0].data)["frames"]) == 2


def test_live_mode_displays_widget(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    sliders.slider_figure(draw_line, slope=[1, 2])._ipython_display_()
    assert hasattr(shown[0], "sliders")


def test_progress_live_is_tqdm() -> None:
    bar = progress_module.progress(range(3), desc="x")
    assert list(bar) == [0, 1, 2]


def test_progress_static_prints_one_summary(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(progress_module.STATIC_ENV, "1")
    assert sum(progress_module.progress(range(5), desc="training")) == 10
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("training: 100%") and "5/5" in out


def test_works_with_ipywidgets_7() -> None:
    """The same code runs against ipywidgets 7.7 (what Colab ships); `make test` installs it."""
    target = ROOT / ".cache" / "ipywidgets7"
    if not (target / "ipywidgets").is_dir():
        pytest.skip(f"ipywidgets 7.7 not installed in {target}; `make test` installs it")
    code = (
        "import ipywidgets, sys; assert ipywidgets.__version__.startswith('7.7'), ipywidgets.__version__\n"
        "from helpers.sliders import slider_figure\n"
        "def draw(fig, a): fig.add_subplot().plot([0, a])\n"
        "box = slider_figure(draw, a=[1, 2, 3]).widget()\n"
        "before = box.image.value\n"
        "box.sliders['a'].value = 3\n"
        "assert box.image.value != before and box.message.value == ''\n"
        "print('ok', ipywidgets.__version__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok 7.7")


def test_static_html_names_the_first_figure_and_fits_small_screens() -> None:
    figure = sliders.slider_figure(draw_line, slope=[1, 2], offset=[0.0, 0.5],
                                   defaults={"slope": 2}, labels={"slope": "slope <a>"})
    page = figure.static_html()
    assert 'alt="Figure for slope &lt;a&gt; = 2, offset = 0"' in page
    assert "max-width: 100%" in page


def _chromium() -> str:
    """Debian's Chromium for the static sliders' JavaScript test, or skip."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is in requirements-dev.txt")
    import shutil

    found = os.environ.get("DLBOOK_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.skip("no Chromium (the website's browser tests in tests/site say so loudly)")
    return found


def test_static_sliders_show_the_right_frame_in_a_browser() -> None:
    """Every slider position shows its own frame, with its value, label and alt text;
    two figures on one page work independently; keys move the sliders."""
    from playwright.sync_api import sync_playwright

    first = sliders.slider_figure(draw_line, slope=[1, 2, 3], offset=[0.0, 0.5],
                                  defaults={"slope": 2}, labels={"slope": "slope a"})
    second = sliders.slider_figure(draw_line, slope=[-1, 1])
    specs = [_spec(f.static_html()) for f in (first, second)]
    page_html = "<html><body>" + first.static_html() + second.static_html() + "</body></html>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(),
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_content(page_html)
            figures = page.locator(".slider-figure")
            assert figures.count() == 2
            one = figures.nth(0)
            image, ranges = one.locator("img"), one.locator('input[type="range"]')
            ids = page.eval_on_selector_all('input[type="range"]', "els => els.map(e => e.id)")
            assert len(set(ids)) == 3, ids
            assert page.locator(f'label[for="{ids[0]}"]').text_content() == "slope a"
            assert ranges.nth(0).input_value() == "1"  # the default, slope 2
            before_second = figures.nth(1).locator("img").get_attribute("src")
            for i, slope in enumerate(specs[0]["values"][0]):
                for j, offset in enumerate(specs[0]["values"][1]):
                    for k, position in enumerate((i, j)):
                        ranges.nth(k).focus()
                        page.keyboard.press("Home")
                        for _ in range(position):
                            page.keyboard.press("ArrowRight")
                    frame = specs[0]["frames"][i * 2 + j]
                    assert image.get_attribute("src").endswith(frame), (slope, offset)
                    assert one.locator("output").all_text_contents() == [slope, offset]
                    assert ranges.nth(0).get_attribute("aria-valuetext") == slope
                    assert image.get_attribute("alt") == f"Figure for slope a = {slope}, offset = {offset}"
            assert figures.nth(1).locator("img").get_attribute("src") == before_second
            assert not errors, errors
        finally:
            browser.close()


def test_live_widget_draws_only_the_first_frame_then_the_rest_ahead() -> None:
    calls = []

    def draw(fig, a, b):  # noqa: ANN001
        calls.append((a, b))
        fig.add_subplot().plot([0, a], [0, b])

    figure = sliders.slider_figure(draw, a=[1, 2], b=[3, 4, 5], defaults={"b": 4})
    box = figure.widget()
    assert calls == [(1, 4)]  # the first frame only: the figure shows at once
    box.image._view_count = 1  # a browser shows it: drawing ahead starts
    assert box.ahead.finished.wait(30)
    every = [(a, b) for a in (1, 2) for b in (3, 4, 5)]
    assert sorted(calls) == sorted(every) and len(calls) == len(every)
    # the nearest positions first: one step away before two
    assert set(calls[1:4]) == {(2, 4), (1, 3), (1, 5)}
    box.sliders["a"].value = 2
    box.sliders["b"].value = 5
    assert len(calls) == len(every)  # slider moves only look frames up
    assert box.image.value == figure.render(a=2, b=5)
    assert any(ref() is box for ref in sliders.LIVE_FIGURES)


def test_drawing_ahead_follows_the_readers_direction() -> None:
    ahead = sliders.slider_figure(draw_line, slope=list(range(9)), defaults={"slope": 4}).widget().ahead
    ahead.here, ahead.heading = (4,), (1,)
    assert ahead._next() == (5,)
    ahead.heading = (-1,)
    assert ahead._next() == (3,)


def test_drawing_ahead_waits_while_a_cell_runs() -> None:
    calls = []
    box = sliders.slider_figure(lambda fig, x: calls.append(x), x=[1, 2, 3]).widget()
    draw_ahead.activity.idle.clear()
    try:
        box.ahead.start()
        assert not box.ahead.finished.wait(0.3)
        assert calls == [1]
    finally:
        draw_ahead.activity.idle.set()
    assert box.ahead.finished.wait(30) and sorted(calls) == [1, 2, 3]


def test_without_precompute_every_move_draws() -> None:
    calls = []
    figure = sliders.slider_figure(lambda fig, a: calls.append(a), a=[1, 2], precompute=False)
    box = figure.widget()
    assert box.ahead is None
    box.sliders["a"].value = 2
    box.sliders["a"].value = 1
    assert calls == [1, 2, 1]


def test_drawing_ahead_survives_a_failing_position() -> None:
    calls = []

    def draw(fig, x):  # noqa: ANN001
        calls.append(x)
        if x == 3:
            raise ValueError("no figure for x=3")

    box = sliders.slider_figure(draw, x=[1, 2, 3]).widget()
    box.sliders["x"].value = 2  # the first move starts drawing ahead too
    assert box.ahead.finished.wait(30) and box.ahead.failed == {(2,)}
    assert box.message.value == ""
    box.sliders["x"].value = 3
    assert "ValueError: no figure for x=3" in box.message.value


def test_layout_option() -> None:
    figure = sliders.slider_figure(draw_line, slope=[1], layout=None)
    figure.render(slope=1)
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    assert not isinstance(figure._figure.get_layout_engine(), ConstrainedLayoutEngine)
    default = sliders.slider_figure(draw_line, slope=[1])
    default.render(slope=1)
    assert isinstance(default._figure.get_layout_engine(), ConstrainedLayoutEngine)
    with pytest.raises(ValueError, match="layout must be 'constrained', 'tight' or None"):
        sliders.slider_figure(draw_line, slope=[1], layout="grid")
