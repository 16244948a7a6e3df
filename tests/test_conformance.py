"""The conformance kit, run on every built-in backend and on small plugins written here the
way a third party would write them (an exporter and a survey importer)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import coprod_toc as ct
from coprod_toc.backends.renderers.markdown import MarkdownRenderer
from coprod_toc.group import GroupRecord, group_report
from coprod_toc.plugins import PluginManager, get_plugin_manager, hookspecs
from coprod_toc.surveys import SurveyAnswer, SurveyTable
from coprod_toc.testing import (
    ExporterContract,
    GroupRendererContract,
    MapImporterContract,
    RendererContract,
    StoreContract,
    SurveyImporterContract,
)


class TestMemoryStore(StoreContract):
    store_url = "memory://"


class TestJsonRenderer(RendererContract):
    renderer_name = "json"


@pytest.mark.parametrize("name", ["html", "easy-read", "markdown", "json"])
def test_built_in_group_renderers_are_registered(name: str) -> None:
    assert name in get_plugin_manager().extensions.group_renderers


class TestGroupHtmlReport(GroupRendererContract):
    group_renderer_name = "html"


class TestGroupEasyReadReport(GroupRendererContract):
    group_renderer_name = "easy-read"


class TestGroupMarkdownReport(GroupRendererContract):
    group_renderer_name = "markdown"


class TestGroupJsonReport(GroupRendererContract):
    group_renderer_name = "json"


# --------------------------------------------------------------------------- a plugin group renderer


class OneLineReport:
    """A group's year in one line of text: the smallest group renderer that is a real one."""

    media_type = "text/plain"
    suffix = ".txt"
    description = "A group's year in one line."

    def render(self, record: GroupRecord, *, year: int, work_plan: ct.TheoryOfChange | None) -> str:
        figures = group_report(record, year)
        plan = f", work plan {work_plan.title!r}" if work_plan is not None else ""
        return f"{year}: {figures['meetings']} meetings{plan}\n"


class GroupRendererPlugin:
    @hookspecs.hookimpl
    def register_group_renderers(self, register: hookspecs.Register) -> None:
        register("one-line", OneLineReport)


class TestPluginGroupRenderer(GroupRendererContract):
    group_renderer_name = "one-line"

    @pytest.fixture(autouse=True)
    def _plugin(self, fresh_plugin_manager: PluginManager) -> None:
        fresh_plugin_manager.register(GroupRendererPlugin(), name="one-line-plugin")


# --------------------------------------------------------------------------- a plugin exporter


class IdListExporter:
    """Writes one node id per line: the smallest exporter that is still a real one."""

    suffix = ".txt"
    description = "Node ids, one per line."

    def export(self, toc: ct.TheoryOfChange, destination: Path) -> None:
        destination.write_text("".join(f"{node.id}\n" for node in toc.nodes()) or "(empty)\n")


class ExporterPlugin:
    @hookspecs.hookimpl
    def register_exporters(self, register: hookspecs.Register) -> None:
        register("ids", IdListExporter)


class TestPluginExporter(ExporterContract):
    exporter_name = "ids"

    @pytest.fixture(autouse=True)
    def _plugin(self, fresh_plugin_manager: PluginManager) -> None:
        fresh_plugin_manager.register(ExporterPlugin(), name="ids-plugin")


def test_a_plugins_exporter_wins_over_its_own_renderer_of_the_same_name(
    fresh_plugin_manager: PluginManager, tmp_path: Path
) -> None:
    """ct.export prefers a real exporter; renderers are the fallback."""

    class Both:
        @hookspecs.hookimpl
        def register_renderers(self, register: hookspecs.Register) -> None:
            register("ids", MarkdownRenderer)

        @hookspecs.hookimpl
        def register_exporters(self, register: hookspecs.Register) -> None:
            register("ids", IdListExporter)

    fresh_plugin_manager.register(Both(), name="both")
    path = ct.export(ct.example(), "ids", tmp_path / "out")
    assert path.read_text().startswith("P\nI1\n")


def test_an_exporter_cannot_take_over_another_plugins_renderer(
    fresh_plugin_manager: PluginManager, tmp_path: Path
) -> None:
    """Names belong to the first registration: an exporter named like a built-in renderer
    is refused and reported, and ct.export keeps using the renderer."""

    class Takeover:
        @hookspecs.hookimpl
        def register_exporters(self, register: hookspecs.Register) -> None:
            register("json", IdListExporter)

    fresh_plugin_manager.register(Takeover(), name="takeover")
    path = ct.export(ct.example(), "json", tmp_path / "out")
    assert path.read_text().startswith("{")
    assert any(
        p.plugin == "takeover" and "exporter 'json' is already registered by" in p.error
        for p in fresh_plugin_manager.problems
    )


# --------------------------------------------------------------------------- a plugin importer


HEADER = b"respondent,question,answer"


class SimpleCsvImporter:
    """respondent,question,answer rows: the neutral table with the fewest columns."""

    description = "A plain CSV of respondent, question and answer."

    def detect(self, path: Path, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf").startswith(HEADER)

    def read(self, path: Path) -> SurveyTable:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ct.FormatError(f"not UTF-8 text at byte {exc.start}", source=str(path)) from None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or ",".join(rows[0]).encode() != HEADER:
            raise ct.FormatError(f"the first row must be {HEADER.decode()}", source=str(path))
        answers = []
        for number, row in enumerate(rows[1:], start=2):
            if len(row) != 3:
                raise ct.FormatError(
                    f"row {number}: expected 3 columns, found {len(row)}", source=str(path)
                )
            answers.append(
                SurveyAnswer(respondent_key=row[0], question_key=row[1], value_raw=row[2])
            )
        return SurveyTable.from_answers(answers, source=str(path), format="simple-csv")

    def write_example(self, path: Path, questions: list[str], answers: list[list[str]]) -> Path:
        """One row per answer: the layout this tool writes."""
        target = path.with_suffix(".csv")
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER.decode().split(","))
            for number, row in enumerate(answers, start=1):
                writer.writerows([f"P{number}", q, a] for q, a in zip(questions, row, strict=True))
        return target


class ImporterPlugin:
    @hookspecs.hookimpl
    def register_survey_importers(self, register: hookspecs.Register) -> None:
        register("simple-csv", SimpleCsvImporter)


class TestPluginImporter(SurveyImporterContract):
    importer_name = "simple-csv"
    respondents = ("alice@example.org", "bob")

    @pytest.fixture(autouse=True)
    def _plugin(self, fresh_plugin_manager: PluginManager) -> None:
        fresh_plugin_manager.register(ImporterPlugin(), name="simple-csv-plugin")

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        path = tmp_path / "answers.csv"
        path.write_text(
            "respondent,question,answer\nalice@example.org,confidence,4\nbob,confidence,2\n"
            "alice@example.org,belonging,yes\n"
        )
        return [path]


@pytest.fixture
def answers_file(tmp_path: Path, fresh_plugin_manager: PluginManager) -> Iterator[Path]:
    fresh_plugin_manager.register(ImporterPlugin(), name="simple-csv-plugin")
    path = tmp_path / "answers.csv"
    path.write_text("respondent,question,answer\nalice,q1,4\nbob,q1,2\nalice,q2,5\n")
    yield path


def test_same_key_gives_the_same_pseudonyms(answers_file: Path) -> None:
    """With a kept key, a person's pseudonym is stable across imports; without, it is not."""
    key = b"kept-apart-from-the-data"
    first = ct.import_survey(answers_file, pseudonym_key=key)
    second = ct.import_survey(answers_file, pseudonym_key=key)
    assert first.respondents() == second.respondents()
    assert len(first.respondents()) == 2 and all(r.startswith("R-") for r in first.respondents())
    assert ct.import_survey(answers_file).respondents() != first.respondents()


def test_unrecognised_file_names_the_formats(answers_file: Path, tmp_path: Path) -> None:
    """When no importer claims a file, the error says which formats exist."""
    other = tmp_path / "other.csv"
    other.write_text("just a line of words\n")
    with pytest.raises(
        ct.FormatError, match=r"other.csv: cannot tell which survey tool .*one of: .*simple-csv"
    ):
        ct.import_survey(other)
    with pytest.raises(ct.PluginNotFoundError, match="no survey importer 'nonesuch'"):
        ct.import_survey(other, format="nonesuch")
    with pytest.raises(ct.FormatError, match="cannot read the file"):
        ct.import_survey(tmp_path / "missing.csv")


def test_importer_returning_the_wrong_type_is_a_plugin_error(
    fresh_plugin_manager: PluginManager, tmp_path: Path
) -> None:
    """An importer must return a SurveyTable; anything else is the plugin's error."""

    class Wrong:
        description = "wrong"

        def detect(self, path: Path, head: bytes) -> bool:
            return True

        def read(self, path: Path) -> Any:
            return [("alice", "q1", "4")]

    class Plugin:
        @hookspecs.hookimpl
        def register_survey_importers(self, register: hookspecs.Register) -> None:
            register("wrong", Wrong)

    fresh_plugin_manager.register(Plugin(), name="wrong-plugin")
    path = tmp_path / "x.csv"
    path.write_text("x")
    with pytest.raises(ct.PluginError, match="returned list, not a SurveyTable"):
        ct.import_survey(path)


# --------------------------------------------------------------------------- a plugin map importer


class OutlineFormat:
    """A map as an outline, one node a line: ``impact I1 project | statement | -> ``
    … the smallest map format that is still a real one, written and read back."""

    suffix = ".outline"
    suffixes = (".outline",)
    description = "A map as an outline: one node a line, with the ids it leads to."
    HEADER = "# map outline 1\n"

    def export(self, toc: ct.TheoryOfChange, destination: Path) -> None:
        lines = [self.HEADER, f"title | {toc.title}\n"]
        for node in toc.nodes():
            if node.node_type is ct.NodeType.PROBLEM:
                continue
            targets = " ".join(link.target for link in toc.links() if link.source == node.id)
            kind = node.kind.value  # type: ignore[union-attr]
            lines.append(f"{node.node_type.value} {node.id} {kind} | {node.text} | {targets}\n")
        destination.write_text("".join(lines), encoding="utf-8")

    def detect(self, path: Path, head: bytes) -> bool:
        return head.startswith(self.HEADER.encode())

    def read(self, path: Path) -> Any:
        from coprod_toc.exchange import MapImport, Notes

        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ct.FormatError(f"not an outline: {exc}", source=str(path)) from None
        if not lines or lines[0] + "\n" != self.HEADER or len(lines) < 2:
            raise ct.FormatError("not an outline: no header line", source=str(path))
        toc = ct.TheoryOfChange(title=lines[1].partition(" | ")[2] or "Untitled")
        notes, links = Notes(), []
        for number, line in enumerate(lines[2:], start=3):
            head, _, rest = line.partition(" | ")
            text, _, targets = rest.rpartition(" | ")
            level, node_id, kind = [*head.split(), "", "", ""][:3]
            adders = {"impact": toc.add_impact, "outcome": toc.add_outcome}
            try:
                if level == "activity":
                    toc.add_activity(text, kind=kind, id=node_id)
                else:
                    adders[level](text, kind=kind, id=node_id)
            except (KeyError, ct.ModelError) as exc:
                notes.add("skipped-line", f"line {number}", f"left out: {exc}")
                continue
            links += [(node_id, target, number) for target in targets.split()]
        for source, target, number in links:
            try:
                toc.link(source, target)
            except ct.CoprodTocError as exc:
                notes.add("skipped-link", f"line {number}", f"link left out: {exc}")
        return MapImport(toc=toc, format="outline", source=str(path), read={"lines": len(lines)},
                         notes=tuple(notes))  # fmt: skip


class MapImporterPlugin:
    @hookspecs.hookimpl
    def register_map_importers(self, register: hookspecs.Register) -> None:
        register("outline", OutlineFormat)

    @hookspecs.hookimpl
    def register_exporters(self, register: hookspecs.Register) -> None:
        register("outline", OutlineFormat)


class TestPluginMapImporter(MapImporterContract):
    importer_name = "outline"
    exporter_name = "outline"

    @pytest.fixture(autouse=True)
    def _plugin(self, fresh_plugin_manager: PluginManager) -> None:
        fresh_plugin_manager.register(MapImporterPlugin(), name="outline-plugin")

    @pytest.fixture
    def sample_files(self, tmp_path: Path) -> list[Path]:
        path = tmp_path / "day-centre.outline"
        OutlineFormat().export(ct.example(), path)
        return [path]

    def carried(self, toc: ct.TheoryOfChange) -> ct.TheoryOfChange:
        """An outline holds kinds, statements and links: not problems, levels or details."""
        kept = ct.TheoryOfChange(title=toc.title)
        for node in toc.nodes():
            if node.node_type is ct.NodeType.IMPACT:
                kept.add_impact(node.text, kind=node.kind, id=node.id)  # type: ignore[union-attr]
            elif node.node_type is ct.NodeType.OUTCOME:
                kept.add_outcome(node.text, kind=node.kind, id=node.id)  # type: ignore[union-attr]
            elif node.node_type is ct.NodeType.ACTIVITY:
                kept.add_activity(node.text, kind=node.kind, id=node.id)  # type: ignore[union-attr]
        for link in toc.links():
            if link.source in kept and link.target in kept:
                kept.link(link.source, link.target)
        return kept
