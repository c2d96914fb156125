"""The notebooks listed in ``_toc.yml``, in reading order.

``python -m tools.toc`` prints one path per line (what ``make test`` hands to nbval).
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _entries(node: Any) -> list[str]:
    """Every ``root``, ``file`` and ``glob`` entry, depth first, in order."""
    if isinstance(node, list):
        return [entry for item in node for entry in _entries(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node[key]) for key in ("root", "file") if key in node]
    if "glob" in node:
        found.append("glob:" + str(node["glob"]))
    for key in ("parts", "chapters", "sections"):
        found.extend(_entries(node.get(key, [])))
    return found


def pages(root: Path = ROOT) -> list[Path]:
    """Every page of the book (notebooks and markdown), in table-of-contents order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    result: list[Path] = []
    for entry in _entries(toc):
        if entry.startswith("glob:"):
            pattern = entry[len("glob:"):]
            matches = sorted(
                p for p in glob.glob(str(root / pattern) + "*")
                if p.endswith((".ipynb", ".md"))
            )
            result.extend(Path(p) for p in matches)
            continue
        candidates = [root / (entry + suffix) for suffix in (".ipynb", ".md", "")]
        existing = [c for c in candidates if c.is_file()]
        if not existing:
            raise FileNotFoundError(f"_toc.yml names {entry!r}, which is not a file")
        result.append(existing[0])
    return list(dict.fromkeys(result))


def notebooks(root: Path = ROOT) -> list[Path]:
    """The notebooks of the book, in table-of-contents order."""
    return [p for p in pages(root) if p.suffix == ".ipynb"]


if __name__ == "__main__":
    for path in notebooks():
        print(path.relative_to(ROOT))
    sys.exit(0)
