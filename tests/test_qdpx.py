"""The REFI-QDA project imports whole by QualCoder's rules (tests/refi_reader.py) and
validates against the REFI-QDA 1.0 schema, for one session, the programme and an empty
session."""

import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import select

from codesign import exports, store
from codesign.access import ADMIN
from codesign.analysis.comparison import GROUP_NAMES
from codesign.demo import workshop as demo
from codesign.exports.qdpx_file import unique_names
from codesign.store.models import Group, Participant
from codesign.workshop import sessions
from tests.refi_reader import Imported, read_qdpx

SCHEMA = Path(__file__).parents[1].parent / "shared" / "spec" / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}


def _project(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _written(path: Path, tag: str) -> int:
    return len(_project(path).findall(f".//q:{tag}", NS))


def _assert_complete(path: Path, found: Imported) -> None:
    """Everything written survived the import, attached where it belongs."""
    assert found.rejected_codes == [] and found.lost_codings == 0
    assert len(found.codes) == _written(path, "Code")
    assert len(found.codings) == _written(path, "Coding") > 0
    assert found.rejected_cases == []
    assert len(found.cases) == _written(path, "Case")
    assert found.contested_variables == set()
    assert found.ownerless == 0


def _assert_people_linked(found: Imported) -> None:
    """Each participant's case reaches exactly the sources that name them."""
    by_person: dict[str, set[str]] = defaultdict(set)
    for source, values in found.file_attributes.items():
        if "Participant" in values:
            by_person[values["Participant"]].add(source)
    assert by_person
    for name, sources in by_person.items():
        assert found.case_texts[name] == sources
        assert found.case_attributes[name]["Group"] in GROUP_NAMES.values()


@pytest.mark.parametrize("code", [demo.demo_code("bc-2"), None], ids=["session", "all"])
def test_demo_export_imports_completely(demo_sqlite: str, tmp_path: Path, code: str) -> None:
    path = exports.export(code, "qdpx", tmp_path / "p.qdpx", url=demo_sqlite, actor=ADMIN)
    found = read_qdpx(path)
    _assert_complete(path, found)
    _assert_people_linked(found)
    themes = [n for n in found.codes.values() if n.endswith("(theme)")]
    twins = [n.replace("(theme)", "(component)") for n in themes]
    assert themes and set(twins) <= set(found.codes.values())


def test_a_pseudonym_in_two_groups_makes_two_cases(demo_sqlite: str, tmp_path: Path) -> None:
    def share_a_name(db) -> str:
        people = db.scalars(select(Participant).join(Group).order_by(Participant.id)).all()
        first = people[0]
        other = next(p for p in people if p.group_id != first.group_id)
        other.pseudonym = first.pseudonym
        return first.pseudonym

    name = store.write(share_a_name, demo_sqlite)
    found = read_qdpx(
        exports.export(None, "qdpx", tmp_path / "p.qdpx", url=demo_sqlite, actor=ADMIN)
    )
    assert found.rejected_cases == []
    twins = [n for n in found.cases.values() if n.startswith(f"{name} (")]
    assert len(twins) == 2
    _assert_people_linked(found)


def test_an_empty_session_is_a_valid_project(demo_sqlite: str, tmp_path: Path) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"REFI-QDA schema not found at {SCHEMA} (../shared is absent)")
    info = sessions.create("black-communities", "Nobody came yet", url=demo_sqlite, actor=ADMIN)
    path = exports.export(info.code, "qdpx", tmp_path / "p.qdpx", url=demo_sqlite, actor=ADMIN)
    etree.XMLSchema(etree.parse(str(SCHEMA))).assertValid(_project(path))
    assert _written(path, "Case") == _written(path, "TextSource") == 0


@given(st.lists(st.tuples(st.sampled_from(["A", "A (x)", "B"]), st.sampled_from(["x", "y"]))))
def test_unique_names_are_unique_and_keep_lone_names(wanted: list[tuple[str, str]]) -> None:
    named = unique_names(wanted)
    assert len(set(named)) == len(named) == len(wanted)
    lone = {n for n, _ in wanted if [w for w, _ in wanted].count(n) == 1}
    assert all(got == name for (name, _), got in zip(wanted, named, strict=True) if name in lone)
