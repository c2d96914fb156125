"""Maintainer tools: table-of-contents queries, the student edition, the nbval cache bridge."""
