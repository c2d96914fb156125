"""The website's version of a slider figure: every frame stored in the page, with
controls in plain JavaScript that need no kernel."""

from __future__ import annotations

import base64
import html
import itertools
import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .figure import SliderFigure

def format_value(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _thin(length: int, keep: int, default_index: int) -> list[int]:
    """About ``keep`` evenly spread indices of ``range(length)``: both ends and the default."""
    if keep >= length:
        return list(range(length))
    chosen = {int(round(i)) for i in np.linspace(0, length - 1, max(keep, 2))}
    chosen.add(default_index)
    return sorted(chosen)


def static_grid(figure: SliderFigure) -> dict[str, list[int]]:
    """For each slider, the indices of the values stored in the static page.

    Sliders with many values are thinned (evenly, keeping both ends and the
    default) until the grid has about ``max_static_frames`` positions.
    """
    keep = {n: len(v) for n, v in figure.values.items()}
    while int(np.prod(list(keep.values()))) > figure.max_static_frames:
        longest = max(keep, key=keep.__getitem__)
        if keep[longest] <= 2:
            break
        keep[longest] -= 1
    return {n: _thin(len(figure.values[n]), keep[n], figure.default_index[n]) for n in keep}

def static_html(figure: SliderFigure) -> str:
    """Self-contained HTML: every precomputed frame plus controls in plain JavaScript."""
    grid = static_grid(figure)
    names = list(figure.values)
    frames: list[str] = []
    for combo in itertools.product(*(grid[n] for n in names)):
        values = {n: figure.values[n][i] for n, i in zip(names, combo)}
        frames.append(base64.b64encode(figure.render(**values)).decode("ascii"))
    total = figure.n_positions
    note = ""
    if len(frames) < total:
        parts = [
            f"{len(grid[n])} of {len(figure.values[n])} values of {figure.labels[n]}"
            for n in names
            if len(grid[n]) < len(figure.values[n])
        ]
        note = (
            f"This page stores {len(frames)} of the {total} slider positions "
            f"({'; '.join(parts)}); run the notebook for every value."
        )
    spec = {
        "names": [figure.labels[n] for n in names],
        "values": [[format_value(figure.values[n][i]) for i in grid[n]] for n in names],
        "start": [grid[n].index(figure.default_index[n]) for n in names],
        "format": figure.image_format,
        "frames": frames,
        "positions": total,  # all slider positions; more than frames when thinned
    }
    first = figure.default_values()
    alt = "Figure for " + ", ".join(f"{figure.labels[n]} = {format_value(first[n])}" for n in names)
    return TEMPLATE.format(
        spec=json.dumps(spec).replace("</", "<\\/"),
        format=figure.image_format,
        alt=html.escape(alt),
        first=frames[int(np.ravel_multi_index(spec["start"], [len(grid[n]) for n in names]))],
        note=f'<p class="slider-figure-note" style="font-size: 0.9em">{html.escape(note)}</p>'
        if note else "",
        script=SCRIPT,
    )


SCRIPT = """
(function () {
  var root = document.currentScript.parentElement;
  var spec = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var img = root.querySelector('img');
  var controls = root.querySelector('.slider-figure-controls');
  var prefix = 'slider-figure-' + (window.sliderFigureCount = (window.sliderFigureCount || 0) + 1);
  var inputs = [], shows = [];
  function update() {
    var index = 0, parts = [];
    for (var k = 0; k < inputs.length; k++) {
      var i = parseInt(inputs[k].value, 10), text = spec.values[k][i];
      shows[k].textContent = text;
      inputs[k].setAttribute('aria-valuetext', text);
      parts.push(spec.names[k] + ' = ' + text);
      index = index * spec.values[k].length + i;
    }
    img.src = 'data:image/' + spec.format + ';base64,' + spec.frames[index];
    img.alt = 'Figure for ' + parts.join(', ');
  }
  spec.names.forEach(function (name, k) {
    var id = prefix + '-' + k;
    var label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = name;
    var input = document.createElement('input');
    input.type = 'range'; input.id = id; input.min = 0; input.max = spec.values[k].length - 1;
    input.step = 1; input.value = spec.start[k];
    input.style.width = '100%'; input.style.margin = '0';
    input.addEventListener('input', update);
    var out = document.createElement('output');
    out.setAttribute('for', id);
    out.style.fontVariantNumeric = 'tabular-nums';
    controls.appendChild(label); controls.appendChild(input); controls.appendChild(out);
    inputs.push(input); shows.push(out);
  });
  update();
})();
"""

TEMPLATE = """<div class="slider-figure">
<div class="slider-figure-controls" style="display: grid; grid-template-columns: max-content minmax(6em, 24em) max-content; gap: 0.3em 0.8em; align-items: center; margin-bottom: 0.4em"></div>
<img alt="{alt}" src="data:image/{format};base64,{first}" style="max-width: 100%; height: auto">
{note}<script type="application/json">{spec}</script>
<script>{script}</script>
</div>"""
