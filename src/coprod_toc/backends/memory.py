"""Moved to :mod:`coprod_toc.backends.stores.memory`.

This module keeps the old name working for one release."""

from coprod_toc._moved import moved_module

__getattr__, __dir__ = moved_module(__name__, "coprod_toc.backends.stores.memory")
