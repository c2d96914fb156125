"""The run record of the chapter's trainer (:mod:`helpers.cifar10.training`).

It is the book's one :class:`helpers.runs.History`, with its JSON file and learning curves
in :mod:`helpers.runs`; this name stays only while the trainer imports it from here.
"""

from __future__ import annotations

from ..runs import History

__all__ = ["History"]
