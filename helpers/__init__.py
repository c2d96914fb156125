"""Helpers for the interactive deep-learning homework book.

Each module covers one topic; import what a notebook needs, e.g.
``from helpers.widgets import slider_figure``. Nothing heavy is imported here.
"""

__version__ = "0.1.0"
