"""Run every notebook the way Colab runs it (``make test-colab``).

The kernel is Python 3.13 with Colab's published package versions
(``tests/colab/requirements.txt``), in ``.cache/colab-venv``. At its start it imports a
stand-in ``google.colab`` (``tests/colab/stub``), so each notebook's hidden first cell takes
its Colab branch and runs ``%pip install "dlbook-helpers @ git+...@main"``, with the
repository URL replaced by a local clone of this checkout's committed HEAD (what GitHub
would serve). Then every cell runs, and every live slider figure a cell shows is moved
once: its image must change and show no error.

Around the first cell the runtime's package list (``pip freeze``) is compared: the cell
may add only the helpers package and what Colab lacks (:data:`COLAB_LACKS`).

What it cannot show: Colab's own front end (its widget manager draws ipywidgets 7 in the
browser); see the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools.toc import ROOT, notebooks

VENV = ROOT / ".cache" / "colab-venv"
STUB = ROOT / "tests" / "colab" / "stub"
COLAB_LACKS = {"torchinfo"}
"""Packages the helpers need that Colab's runtime does not ship: the first cell may add them."""
CELL_TIMEOUT = 240

PROBE = """
import json as _json
from helpers import sliders as _w
_seen = globals().setdefault("_colab_probe_seen", set())
_report = []
for _ref in list(_w.LIVE_FIGURES):
    _box = _ref()
    if _box is None or id(_box) in _seen:
        continue
    _seen.add(id(_box))
    _name, _slider = next(iter(_box.sliders.items()))
    _options = [v for _, v in _slider.options]
    _before = _box.image.value
    _slider.value = _options[(_options.index(_slider.value) + 1) % len(_options)]
    _report.append({"figure": getattr(_box.figure.draw, "__qualname__", "?"), "slider": _name,
                    "changed": _box.image.value != _before and len(_options) > 1,
                    "message": _box.message.value})
print("COLAB-PROBE" + _json.dumps(_report))
"""


def python() -> Path:
    return VENV / "bin" / "python"


def freeze() -> set[str]:
    """The runtime's packages as ``name==version`` lines (names normalised)."""
    out = subprocess.run([str(python()), "-m", "pip", "freeze", "--all"], check=True,
                         capture_output=True, text=True).stdout
    return {re.sub(r"[-_.]+", "-", line.split("==")[0].split(" @ ")[0].lower())
            + ("==" + line.split("==")[1] if "==" in line else "")
            for line in out.splitlines() if line.strip()}


def _names(lines: set[str]) -> set[str]:
    return {line.split("==")[0] for line in lines}


def local_clone(folder: Path) -> tuple[Path, str]:
    """A clone of this checkout's committed HEAD (what GitHub serves), and its commit."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder)], check=True)
    commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    return folder, commit


def _kernel_manager(home: Path) -> KernelManager:
    """A kernel of the Colab-like runtime that imports ``google.colab`` when it starts."""
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import google.colab  # as Colab's kernels do\n")
    spec = home / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like Python 3.13", "language": "python",
        "env": {"PYTHONPATH": str(STUB), "IPYTHONDIR": str(home / "ipython"),
                "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }))
    return KernelManager(kernel_name="colab",
                         kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(home / "kernels")]))


@dataclass
class NotebookRun:
    path: Path
    seconds: float = 0.0
    added: set[str] = field(default_factory=set)  # packages the first cell added (or updated)
    changed: set[str] = field(default_factory=set)  # packages it replaced or removed
    figures: list[dict] = field(default_factory=list)
    expected_figures: int = 0
    error: str = ""

    @property
    def problems(self) -> list[str]:
        found = [self.error] if self.error else []
        if self.changed:
            found.append(f"the first cell changed the runtime's packages: {sorted(self.changed)}")
        unexpected = _names(self.added) - COLAB_LACKS - {"dlbook-helpers"}
        if unexpected:
            found.append(f"the first cell installed packages Colab has or does not need: {sorted(unexpected)}")
        if len(self.figures) != self.expected_figures:
            found.append(f"{len(self.figures)} live slider figures, but {self.expected_figures} cells show one")
        for figure in self.figures:
            if not figure["changed"] or figure["message"]:
                found.append(f"slider figure {figure['figure']} did not answer a move of "
                             f"{figure['slider']}: {figure['message'] or 'same image'}")
        return found


def _first_cell(source: str, clone: Path, commit: str) -> str:
    repository = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    remote = f"git+{repository['url'].rstrip('/')}@{repository['branch']}"
    if remote not in source:
        raise ValueError(f"the first cell does not install {remote}")
    return source.replace(remote, f"git+file://{clone}@{commit}")


def run_notebook(path: Path, clone: Path, commit: str, home: Path) -> NotebookRun:
    """Execute ``path`` in the Colab-like kernel; see the module docstring."""
    notebook = nbformat.read(path, as_version=4)
    shown = sum(c.source.count("slider_figure(") for c in notebook.cells if c.cell_type == "code")
    result = NotebookRun(path, expected_figures=shown)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, km=_kernel_manager(home),
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "DLBOOK_STATIC"}
    with client.setup_kernel(env=env):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            source = cell.source
            if index == 0:
                source = _first_cell(source, clone, commit)
                before = freeze()
            try:
                client.execute_cell(nbformat.v4.new_code_cell(source), index)
                if index == 0:
                    after = freeze()
                    result.added = after - before
                    result.changed = {line for line in before - after
                                      if line.split("==")[0] != "dlbook-helpers"}
                probe = nbformat.v4.new_code_cell(PROBE)
                client.execute_cell(probe, index)
                text = "".join(o.get("text", "") for o in probe.outputs if o.get("name") == "stdout")
                result.figures += json.loads(text.split("COLAB-PROBE", 1)[1])
            except CellExecutionError as error:
                result.error = f"cell {index}: {error.ename}: {error.evalue}"
                break
    result.seconds = time.perf_counter() - start
    return result


def prepare() -> tuple[Path, str, Path]:
    """Start from Colab's packages (the helpers package and what Colab lacks uninstalled);
    a local clone of HEAD; a folder for the kernels' homes. Returns (clone, commit, work)."""
    if not python().exists():
        raise FileNotFoundError(f"no Colab-like runtime in {VENV}: run `make test-colab`")
    subprocess.run([str(python()), "-m", "pip", "uninstall", "--quiet", "--yes", "dlbook-helpers",
                    *sorted(COLAB_LACKS)], check=True, capture_output=True)
    work = ROOT / "_build" / "colab"
    if work.exists():
        shutil.rmtree(work)
    clone, commit = local_clone(work / "clone")
    return clone, commit, work


def run_all(paths: list[Path] | None = None) -> list[NotebookRun]:
    """Every notebook (or ``paths``) in the Colab-like runtime, from Colab's packages on."""
    clone, commit, work = prepare()
    return [run_notebook(path.resolve(), clone, commit, work / f"home-{number}")
            for number, path in enumerate(paths or notebooks())]


if __name__ == "__main__":
    failed = False
    for run in run_all([Path(p) for p in sys.argv[1:]] or None):
        print(f"{run.path.relative_to(ROOT)}: {run.seconds:.0f} s, {len(run.figures)} slider figures moved"
              + (f", first cell added {sorted(run.added)}" if run.added else ""))
        for problem in run.problems:
            print("  PROBLEM:", problem)
            failed = True
    sys.exit(1 if failed else 0)
