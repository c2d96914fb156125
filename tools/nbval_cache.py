"""pytest plugin: store the notebooks nbval executed in the book's jupyter-cache.

``make test`` runs every notebook once under nbval. With this plugin
(``-p tools.nbval_cache --nbval-cache-dir _build/.jupyter_cache``) each notebook whose
cells all passed is written, with the outputs nbval collected, into the same
jupyter-cache that ``jupyter-book build`` reads (``execute_notebooks: cache``). The
book build that follows then finds every notebook cached and executes nothing again.
A notebook with a failed or skipped cell is not cached, so the build executes it
itself (and fails on its error).
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

_state: dict[str, Any] = {
    "cells": defaultdict(dict),  # notebook path -> {cell number: item}
    "bad": set(),  # notebooks with a failed or skipped cell
    "seconds": defaultdict(float),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--nbval-cache-dir",
        default=None,
        help="jupyter-cache folder that receives every notebook nbval executed without failure",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    start = time.perf_counter()
    yield
    if hasattr(item, "test_outputs"):
        _state["seconds"][str(item.fspath)] += time.perf_counter() - start


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "::Cell " not in report.nodeid:
        return
    path = report.nodeid.split("::", 1)[0]
    if report.when == "call" and not report.passed:
        _state["bad"].add(path)
    if report.when == "setup" and report.skipped:
        _state["bad"].add(path)


def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    if call.when == "call" and hasattr(item, "test_outputs") and call.excinfo is None:
        _state["cells"][item.nodeid.split("::", 1)[0]][item.cell_num] = item


def pytest_sessionfinish(session: pytest.Session) -> None:
    folder = session.config.getoption("--nbval-cache-dir")
    if not folder:
        return
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(Path(folder).resolve()))
    stored = []
    for nodepath, cells in _state["cells"].items():
        if nodepath in _state["bad"]:
            continue
        any_item = next(iter(cells.values()))
        path = Path(str(any_item.fspath))
        notebook = nbformat.read(path, as_version=4)
        code_cells = [c for c in notebook.cells if c.cell_type == "code"]
        if len(code_cells) != len(cells):
            continue  # not every cell ran (e.g. a -k selection)
        for number, cell in enumerate(code_cells):
            outputs = cells[number].test_outputs or []
            cell.outputs = [nbformat.from_dict(dict(o)) for o in outputs]
            cell.execution_count = number + 1
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = number + 1
        cache.cache_notebook_bundle(
            CacheBundleIn(notebook, str(path),
                          data={"execution_seconds": _state["seconds"][str(path)]}),
            check_validity=False,
            overwrite=True,
        )
        stored.append(path.name)
    if stored:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"nbval-cache: stored {len(stored)} executed notebooks in {folder}")
