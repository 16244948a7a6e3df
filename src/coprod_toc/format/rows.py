"""Moved to :mod:`coprod_toc.storage` (the row engine is :mod:`coprod_toc.storage.rows`).

This module keeps the old name working for one release."""

from coprod_toc._moved import moved_module

__getattr__, __dir__ = moved_module(__name__, "coprod_toc.storage")
