"""Moved to :mod:`coprod_toc.storage` (the row engine is :mod:`coprod_toc.storage.rows`).

This module keeps the old name working for one release."""

from typing import Any

from coprod_toc._moved import moved_attribute


def __getattr__(name: str) -> Any:
    return moved_attribute(__name__, "coprod_toc.storage", name)
