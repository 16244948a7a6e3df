"""The built-in stores: each passes the conformance kit, keeps every version exactly, and
writes only what changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import coprod_toc as ct
from coprod_toc.testing import StoreContract


class TestSQLiteStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[ct.Store]:
        with ct.open_store(f"sqlite:///{tmp_path / 'maps.db'}") as store:
            yield store


class TestSQLiteMemoryStore(StoreContract):
    store_url = "sqlite:///:memory:"


class TestJsonStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[ct.Store]:
        with ct.open_store(f"json://{tmp_path / 'maps'}") as store:
            yield store
