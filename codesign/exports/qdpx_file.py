"""QDPX: a REFI-QDA (QDA-XML 1.0) project that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

The ZIP holds `project.qde` and `sources/`:

- every contribution is a text source (`sources/<guid>.txt`) with one plain-text
  selection spanning the whole text, and Session, Kind, Language and Participant as
  source (file) attributes;
- codes: "Programme components" (one code per component matched across sessions and
  groups) and "Themes" (superordinate → subordinate, as in the theme table); the
  selection is coded with its component and with every subordinate theme built on it;
- cases: one per Co-Design Group and one per participant, with Group and Role as case
  attributes.

Written so that the strictest importer keeps everything (QualCoder's `refi.py`, whose
rules the tests apply):

- code names are unique across the whole codebook and case names across all cases
  (QualCoder keys both by name and drops a repeat, and with it every coding of it):
  a name that occurs more than once is qualified everywhere it occurs, "Who runs the
  programme (component)" beside "Who runs the programme (theme)", and a pseudonym
  shared by two groups gets the group's name;
- a case reaches its texts through a `SelectionRef` to each whole-text selection
  (QualCoder ignores a case's `SourceRef`, which NVivo, ATLAS.ti and MAXQDA read, so
  both are written) and through the Participant attribute of each source;
- a variable is either a case attribute or a source attribute, never both, because
  QualCoder keeps one attribute type per name;
- every selection and coding names its creating user;
- an empty container (`<Cases/>`, `<Sources/>`) is left out: the schema requires at
  least one child.

GUIDs are UUID-5s of the exported ids, so a de-identified project carries only salted
ids. Text goes through `printable`, one character for one, so offsets stay true.
"""

import uuid
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from codesign.analysis.comparison import GROUP_NAMES, programme_components
from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Row, Tables
from codesign.methods.printable import printable

NS = "urn:QDA-XML:project:1.0"
NAMESPACE = uuid.UUID("6f1d3c3e-8f4a-4b8e-9a59-3c0f1e2d7a10")
CASE_VARIABLES = ("Group", "Role")
SOURCE_VARIABLES = {"Session": "session_code", "Kind": "kind", "Language": "language"}
PARTICIPANT = "Participant"
USER = "codesign export"


def guid(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def group_name(slug: str) -> str:
    return GROUP_NAMES.get(slug) or slug


def unique_names(wanted: list[tuple[str, str]]) -> list[str]:
    """A name for each (name, qualifier) that no other item has.

    A name wanted once is kept. A name wanted more than once is qualified wherever it
    occurs, so neither item passes for the other; one still taken after that is numbered.
    """
    counts = Counter(name for name, _ in wanted)
    taken = {name for name, count in counts.items() if count == 1}
    found = []
    for name, qualifier in wanted:
        if counts[name] == 1:
            found.append(name)
            continue
        candidate, number = f"{name} ({qualifier})", 2
        while candidate in taken:
            candidate, number = f"{name} ({qualifier} {number})", number + 1
        taken.add(candidate)
        found.append(candidate)
    return found


@dataclass
class Code:
    """A code before it is named: its key, the name it would like and what it is."""

    key: str
    name: str
    kind: str
    codable: bool
    note: str = ""
    children: list["Code"] = field(default_factory=list)

    def walk(self) -> list["Code"]:
        return [self, *(c for child in self.children for c in child.walk())]


@dataclass
class Export:
    """What the XML writers share: the tables, the stamp, and who each text belongs to."""

    tables: Tables
    stamp: str
    user: str = field(default_factory=lambda: guid("user", "codesign"))
    coded: dict[Any, list[str]] = field(default_factory=lambda: defaultdict(list))
    case_names: dict[Any, str] = field(default_factory=dict)

    def stamped(self, **attributes: Any) -> dict[str, Any]:
        return {**attributes, "creatingUser": self.user, "creationDateTime": self.stamp}


def _el(parent: etree._Element, tag: str, **attributes: Any) -> etree._Element:
    return etree.SubElement(
        parent, f"{{{NS}}}{tag}", {k: printable(str(v)) for k, v in attributes.items()}
    )


def _text(parent: etree._Element, tag: str, text: str) -> None:
    _el(parent, tag).text = printable(text)


def _components(export: Export) -> tuple[Code, dict[str, list[Any]]]:
    """The components folder, and each component's contributions by its key."""
    folder = Code("components", "Programme components", "folder", False)
    members: dict[str, list[Any]] = {}
    for found in programme_components(export.tables):
        groups = ", ".join(group_name(g) for g in found.groups)
        key = f"component:{found.key}"
        folder.children.append(Code(key, found.label, "component", True, f"Raised in: {groups}"))
        members[found.key] = [c for ids in found.contributions.values() for c in ids]
        for cid in members[found.key]:
            export.coded[cid].append(key)
    return folder, members


def _themes(export: Export, members: dict[str, list[Any]]) -> Code:
    """The themes folder: superordinate themes holding their subordinate themes."""
    folder = Code("themes", "Themes", "folder", False)
    parents: dict[str, Code] = {}
    for row in export.tables["themes"]:
        sup = row["superordinate"]
        if sup not in parents:
            parents[sup] = Code(f"theme:{sup}", sup, "superordinate theme", False)
            folder.children.append(parents[sup])
        key = f"theme:{sup}:{row['subordinate']}"
        parents[sup].children.append(Code(key, row["subordinate"], "theme", True, row["keywords"]))
        for component in (row["components"] or "").split("; "):
            for cid in members.get(component, []):
                export.coded[cid].append(key)
    return folder


def _write_code(parent: etree._Element, code: Code, names: dict[str, str]) -> None:
    element = _el(
        parent, "Code", guid=guid("code", code.key), name=names[code.key],
        isCodable=str(code.codable).lower(),
    )  # fmt: skip
    if code.note:
        _text(element, "Description", code.note)
    for child in code.children:
        _write_code(element, child, names)


def _codebook(project: etree._Element, export: Export) -> None:
    components, members = _components(export)
    roots = [components, _themes(export, members)]
    every = [code for root in roots for code in root.walk()]
    named = unique_names([(code.name, code.kind) for code in every])
    names = {code.key: name for code, name in zip(every, named, strict=True)}
    codes = _el(_el(project, "CodeBook"), "Codes")
    for root in roots:
        _write_code(codes, root, names)


def _variables(project: etree._Element) -> None:
    variables = _el(project, "Variables")
    for name in (*CASE_VARIABLES, *SOURCE_VARIABLES, PARTICIPANT):
        _el(variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text")


def _value(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    holder = _el(parent, "VariableValue")
    _el(holder, "VariableRef", targetGUID=guid("variable", name))
    _text(holder, "TextValue", str(value))


def _link(case: etree._Element, rows: list[Row]) -> None:
    """Tie a case to its texts both ways: whole sources, and their whole-text selections."""
    for row in rows:
        _el(case, "SourceRef", targetGUID=guid("source", row["id"]))
    for row in rows:
        _el(case, "SelectionRef", targetGUID=guid("selection", row["id"]))


def _case(cases: etree._Element, key: Any, name: str, values: dict[str, Any]) -> etree._Element:
    case = _el(cases, "Case", guid=guid("case", *key), name=name)
    for variable, value in values.items():
        _value(case, variable, value)
    return case


def _name_cases(export: Export, groups: list[str]) -> list[str]:
    """Name the group cases (returned) and the participant cases (kept on `export`)."""
    people = export.tables["participants"]
    wanted = [(group_name(slug), "group") for slug in groups]
    wanted += [(str(p["participant"]), group_name(p["group"])) for p in people]
    named = unique_names(wanted)
    for person, name in zip(people, named[len(groups) :], strict=True):
        export.case_names[(person["group"], person["participant"])] = name
    return named[: len(groups)]


def _cases(project: etree._Element, export: Export) -> None:
    texts = export.tables["contributions"]
    groups = sorted(
        {r["group"] for r in texts} | {p["group"] for p in export.tables["participants"]}
    )
    if not groups:
        return
    by_case: dict[Any, list[Row]] = defaultdict(list)
    for row in texts:
        by_case[row["group"]].append(row)
        by_case[(row["group"], row.get("participant"))].append(row)
    cases = _el(project, "Cases")
    for slug, name in zip(groups, _name_cases(export, groups), strict=True):
        _link(_case(cases, ("group", slug), name, {"Group": name}), by_case[slug])
    for person in export.tables["participants"]:
        key = (person["group"], person["participant"])
        values = {
            "Group": group_name(person["group"]),
            "Role": person["role"],
        }
        _link(_case(cases, ("person", *key), export.case_names[key], values), by_case[key])


def _selection(source: etree._Element, row: Row, text: str, export: Export) -> None:
    """One selection over the whole text, coded with every code it belongs to."""
    selection = _el(
        source, "PlainTextSelection",
        **export.stamped(guid=guid("selection", row["id"]), name=text[:40], startPosition=0,
                         endPosition=len(text)),
    )  # fmt: skip
    for key in export.coded.get(row["id"], []):
        coding = _el(selection, "Coding", **export.stamped(guid=guid("coding", row["id"], key)))
        _el(coding, "CodeRef", targetGUID=guid("code", key))


def _sources(project: etree._Element, export: Export) -> dict[str, str]:
    """Write one TextSource per contribution; return file name → text for `sources/`."""
    rows = export.tables["contributions"]
    if not rows:
        return {}
    sources = _el(project, "Sources")
    files = {}
    for row in rows:
        source_guid = guid("source", row["id"])
        text = printable(row.get("text") or "")
        source = _el(
            sources, "TextSource",
            **export.stamped(guid=source_guid, name=f"{row['session_code']} {row['id']}",
                             plainTextPath=f"internal://{source_guid}.txt"),
        )  # fmt: skip
        _selection(source, row, text, export)
        for variable, column in SOURCE_VARIABLES.items():
            _value(source, variable, row.get(column))
        _value(source, PARTICIPANT, export.case_names.get((row["group"], row.get("participant"))))
        files[f"sources/{source_guid}.txt"] = text
    return files


def project_xml(tables: Tables, name: str) -> tuple[bytes, dict[str, str]]:
    """The project.qde bytes and the source files, from an export's tables."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    export = Export(tables, stamp)
    project = etree.Element(
        f"{{{NS}}}Project", nsmap={None: NS}, name=name, origin="codesign", creationDateTime=stamp
    )
    _el(_el(project, "Users"), "User", guid=export.user, name=USER)
    _codebook(project, export)
    _variables(project)
    _cases(project, export)
    files = _sources(project, export)
    return etree.tostring(project, xml_declaration=True, encoding="utf-8", pretty_print=True), files


def write(scope: Scope, out: Path) -> None:
    tables = build(scope)
    name = "codesign: whole programme" if scope.session_id is None else "codesign: one session"
    xml, files = project_xml(tables, name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
