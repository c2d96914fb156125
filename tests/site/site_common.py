"""Shared by the website tests: where the built site is (``_build/html``, or the folder in
``DLBOOK_SITE_DIR``) and where screenshots go."""

from __future__ import annotations

import os
from pathlib import Path

from tools.toc import ROOT

SITE_ENV = "DLBOOK_SITE_DIR"
ARTIFACTS_ENV = "DLBOOK_TEST_ARTIFACTS"

BROWSER_SKIPPED: list[str] = []
"""Why the browser tests were skipped, if they were (conftest.py prints it loudly)."""


def site_dir() -> Path:
    """The built website the tests look at."""
    return Path(os.environ.get(SITE_ENV) or ROOT / "_build" / "html").resolve()


def artifacts_dir() -> Path:
    """Where the tests leave screenshots (``test-artifacts/``, gitignored)."""
    return Path(os.environ.get(ARTIFACTS_ENV) or ROOT / "test-artifacts").resolve()


def html_for(page: Path) -> Path:
    """The built HTML file of a source page (a notebook or markdown file)."""
    return site_dir() / page.relative_to(ROOT).with_suffix(".html")
