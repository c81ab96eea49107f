"""QDPX: a REFI-QDA (QDA-XML 1.0) project that NVivo, ATLAS.ti, MAXQDA and QualCoder open.

The ZIP holds `project.qde` and `sources/`:

- every contribution is a text source (`sources/<guid>.txt`), carrying its session,
  group, kind and language as variable values;
- codes: "Programme components" (one code per component matched across sessions and
  groups) and "Themes" (superordinate → subordinate, as in the theme table);
- each contribution in a component is coded with one plain-text selection spanning the
  whole text, coded with the component and with every subordinate theme built on it;
- cases: one per Co-Design Group and one per participant, with group and role variables.

GUIDs are UUID-5s of the exported ids, so a de-identified project carries only salted ids.
"""

import uuid
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from codesign.analysis.comparison import GROUP_NAMES, programme_components
from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Row, Tables

NS = "urn:QDA-XML:project:1.0"
NAMESPACE = uuid.UUID("6f1d3c3e-8f4a-4b8e-9a59-3c0f1e2d7a10")
VARIABLES = ("group", "role", "session", "kind", "language")


def guid(*parts: Any) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _el(parent: etree._Element, tag: str, **attributes: Any) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS}}}{tag}", {k: str(v) for k, v in attributes.items()})


def _code(parent: etree._Element, key: str, name: str, codable: bool, note: str = "") -> None:
    code = _el(parent, "Code", guid=guid("code", key), name=name, isCodable=str(codable).lower())
    if note:
        _el(code, "Description").text = note


def _codebook(project: etree._Element, tables: Tables) -> dict[Any, list[str]]:
    """Write the codes; return contribution id → the code keys it is coded with."""
    codes = _el(_el(project, "CodeBook"), "Codes")
    components = _el(
        codes,
        "Code",
        guid=guid("code", "components"),
        name="Programme components",
        isCodable="false",
    )
    coded: dict[Any, list[str]] = defaultdict(list)
    by_component: dict[str, list[Any]] = {}
    for found in programme_components(tables):
        key = f"component:{found.key}"
        groups = ", ".join(GROUP_NAMES.get(g, g) for g in found.groups)
        _code(components, key, found.label, True, f"Raised in: {groups}")
        by_component[found.key] = [c for ids in found.contributions.values() for c in ids]
        for cid in by_component[found.key]:
            coded[cid].append(key)
    themes = _el(codes, "Code", guid=guid("code", "themes"), name="Themes", isCodable="false")
    parents: dict[str, etree._Element] = {}
    for row in tables["themes"]:
        sup = row["superordinate"]
        if sup not in parents:
            parents[sup] = _el(
                themes, "Code", guid=guid("code", "theme", sup), name=sup, isCodable="false"
            )
        key = f"theme:{sup}:{row['subordinate']}"
        _code(parents[sup], key, row["subordinate"], True, row["keywords"])
        for component in (row["components"] or "").split("; "):
            for cid in by_component.get(component, []):
                coded[cid].append(key)
    return coded


def _variables(project: etree._Element) -> None:
    variables = _el(project, "Variables")
    for name in VARIABLES:
        _el(variables, "Variable", guid=guid("variable", name), name=name, typeOfVariable="Text")


def _value(parent: etree._Element, name: str, value: Any) -> None:
    if value is None:
        return
    holder = _el(parent, "VariableValue")
    _el(holder, "VariableRef", targetGUID=guid("variable", name))
    _el(holder, "TextValue").text = str(value)


def _cases(project: etree._Element, tables: Tables) -> None:
    by_group: dict[str, list[Row]] = defaultdict(list)
    by_person: dict[Any, list[Row]] = defaultdict(list)
    for row in tables["contributions"]:
        by_group[row["group"]].append(row)
        if row.get("participant") is not None:
            by_person[row["participant"]].append(row)
    cases = _el(project, "Cases")
    for group, rows in sorted(by_group.items()):
        case = _el(
            cases, "Case", guid=guid("case", "group", group), name=GROUP_NAMES.get(group, group)
        )
        _value(case, "group", group)
        for row in rows:
            _el(case, "SourceRef", targetGUID=guid("source", row["id"]))
    for person in tables["participants"]:
        case = _el(
            cases,
            "Case",
            guid=guid("case", "person", person["participant"]),
            name=str(person["participant"]),
        )
        _value(case, "group", person["group"])
        _value(case, "role", person["role"])
        for row in by_person.get(person["participant"], []):
            _el(case, "SourceRef", targetGUID=guid("source", row["id"]))


def _sources(
    project: etree._Element, tables: Tables, coded: dict[Any, list[str]], stamp: str
) -> dict[str, str]:
    """Write one TextSource per contribution; return file name → text for `sources/`."""
    sources = _el(project, "Sources")
    files = {}
    for row in tables["contributions"]:
        source_guid = guid("source", row["id"])
        text = row.get("text") or ""
        source = _el(
            sources,
            "TextSource",
            guid=source_guid,
            name=f"{row['session_code']} {row['id']}",
            plainTextPath=f"internal://{source_guid}.txt",
            creationDateTime=stamp,
        )
        if coded.get(row["id"]):
            selection = _el(
                source,
                "PlainTextSelection",
                guid=guid("selection", row["id"]),
                name=text[:40],
                startPosition=0,
                endPosition=len(text),
            )
            for key in coded[row["id"]]:
                coding = _el(selection, "Coding", guid=guid("coding", row["id"], key))
                _el(coding, "CodeRef", targetGUID=guid("code", key))
        for name, column in zip(
            VARIABLES, ("group", "role", "session_code", "kind", "language"), strict=True
        ):
            _value(source, name, row.get(column))
        files[f"sources/{source_guid}.txt"] = text
    return files


def project_xml(tables: Tables, name: str) -> tuple[bytes, dict[str, str]]:
    """The project.qde bytes and the source files, from an export's tables."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    project = etree.Element(
        f"{{{NS}}}Project", nsmap={None: NS}, name=name, origin="codesign", creationDateTime=stamp
    )
    _el(_el(project, "Users"), "User", guid=guid("user", "codesign"), name="codesign export")
    coded = _codebook(project, tables)
    _variables(project)
    _cases(project, tables)
    files = _sources(project, tables, coded, stamp)
    return etree.tostring(project, xml_declaration=True, encoding="utf-8", pretty_print=True), files


def write(scope: Scope, out: Path) -> None:
    tables = build(scope)
    name = "codesign: whole programme" if scope.session_id is None else "codesign: one session"
    xml, files = project_xml(tables, name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for path, text in files.items():
            archive.writestr(path, text.encode("utf-8"))
