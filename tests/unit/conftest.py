"""Shared fixtures for the helpers' unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _live_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests start outside website builds; tests that need static mode set it."""
    monkeypatch.delenv("DLBOOK_STATIC", raising=False)
    monkeypatch.delenv("DLBOOK_SLIDER_TIMINGS", raising=False)
