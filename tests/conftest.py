from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import coprod_toc as ct
from coprod_toc.plugins import PluginManager, make_plugin_manager, use_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "day-centre.toml"

settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


@pytest.fixture(autouse=True)
def fresh_plugin_manager() -> Iterator[PluginManager]:
    """Each test gets its own plugin manager with the built-ins only, so no registration
    leaks into the next and installed plugins do not change what the core tests see.
    Tests of entry-point loading build their own manager."""
    with use_plugin_manager(make_plugin_manager(autoload=False)) as manager:
        yield manager


@pytest.fixture(autouse=True)
def default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The default store of every test is a SQLite file of its own, never the user's."""
    url = f"sqlite:///{tmp_path / 'default-store' / 'maps.db'}"
    monkeypatch.setenv(ct.api.STORE_ENV, url)
    return url


@pytest.fixture
def day_centre() -> ct.TheoryOfChange:
    """SCIE's worked example, freshly loaded for each test."""
    return ct.load(EXAMPLE)


@pytest.fixture
def small_map() -> ct.TheoryOfChange:
    """A complete four-node map: problem, one impact of each kind, outcomes and activities."""
    toc = ct.TheoryOfChange(title="Small")
    toc.set_problem("People have nowhere to meet", id="P")
    toc.add_impact("A place to meet", kind="project", id="I1")
    toc.add_impact("A place people shaped", kind="coproduction", id="I2")
    toc.add_outcome("Building open", kind="project", leads_to=["I1"], id="O1")
    toc.add_outcome("People decide the plan", kind="coproduction", leads_to=["I2", "I1"], id="C1")
    toc.add_activity("Open the building", kind="project", contributes_to=["O1"], id="A1")
    toc.add_activity("Planning group", kind="coproduction", contributes_to=["C1"], id="K1")
    return toc
