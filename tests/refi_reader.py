"""A REFI-QDA (.qdpx) reader that keeps only what QualCoder's importer would keep.

QualCoder (`src/qualcoder/refi.py`) is the strictest of the four tools the review team
uses, so a project it imports whole is the bar for the export. Its rules, as applied here:

- codes are stored by name, and a name must be unique across the whole codebook: the
  second code with a name is rejected, and every coding that points at it is stored
  attached to no code;
- cases are stored by name, unique across all cases: a repeated name fails ("Error
  entering Case into database") and the case is lost with its attributes and links;
- a case's `SourceRef` is ignored; a case reaches text through a `SelectionRef` to a
  selection in a source;
- a variable becomes one attribute type, for cases or for files: used by both, one side
  loses it;
- a selection or coding without a `creatingUser` naming a project user has no owner.

The reader returns what survived, so a test can compare it with what was exported.
"""

import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NS = {"q": "urn:QDA-XML:project:1.0"}


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname


@dataclass
class Imported:
    """What a QualCoder-rules import of one project kept, and what it lost."""

    codes: dict[str, str] = field(default_factory=dict)  # guid → name
    rejected_codes: list[str] = field(default_factory=list)
    codings: list[tuple[str, str]] = field(default_factory=list)  # (source guid, code name)
    lost_codings: int = 0
    cases: dict[str, str] = field(default_factory=dict)  # guid → name
    rejected_cases: list[str] = field(default_factory=list)
    case_texts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    case_attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    file_attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    contested_variables: set[str] = field(default_factory=set)
    ownerless: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # guid → text


def _codes(project: etree._Element, found: Imported) -> None:
    for code in project.iterfind(".//q:CodeBook//q:Code", NS):
        if code.get("name") in found.codes.values():
            found.rejected_codes.append(code.get("name"))
        else:
            found.codes[code.get("guid")] = code.get("name")


def _values(holder: etree._Element, variables: dict[str, str]) -> dict[str, str]:
    values = {}
    for value in holder.iterfind("q:VariableValue", NS):
        name = variables[value.find("q:VariableRef", NS).get("targetGUID")]
        values[name] = next((v.text or "" for v in value if _tag(v) != "VariableRef"), "")
    return values


def _selections(project: etree._Element, users: set[str], found: Imported) -> dict[str, str]:
    """Codings kept or lost; return selection guid → source guid."""
    where = {}
    for source in project.iterfind(".//q:Sources/q:TextSource", NS):
        for selection in source.iterfind("q:PlainTextSelection", NS):
            where[selection.get("guid")] = source.get("guid")
            found.ownerless += selection.get("creatingUser") not in users
            for coding in selection.iterfind("q:Coding", NS):
                found.ownerless += coding.get("creatingUser") not in users
                code = found.codes.get(coding.find("q:CodeRef", NS).get("targetGUID"))
                if code is None:
                    found.lost_codings += 1
                else:
                    found.codings.append((source.get("guid"), code))
    return where


def _cases(
    project: etree._Element, variables: dict[str, str], where: dict[str, str], found: Imported
) -> None:
    for case in project.iterfind(".//q:Cases/q:Case", NS):
        name = case.get("name")
        if name in found.cases.values():
            found.rejected_cases.append(name)
            continue
        found.cases[case.get("guid")] = name
        found.case_attributes[name] = _values(case, variables)
        for ref in case.iterfind("q:SelectionRef", NS):
            found.case_texts[name].add(where[ref.get("targetGUID")])


def read_qdpx(path: Path) -> Imported:
    """Import `path` by QualCoder's rules; see the module docstring."""
    with zipfile.ZipFile(path) as archive:
        project = etree.fromstring(archive.read("project.qde"))
        found = Imported()
        for source in project.iterfind(".//q:Sources/q:TextSource", NS):
            file = source.get("plainTextPath").replace("internal://", "sources/")
            found.sources[source.get("guid")] = archive.read(file).decode("utf-8")
    users = {u.get("guid") for u in project.iterfind(".//q:Users/q:User", NS)}
    variables = {v.get("guid"): v.get("name") for v in project.iterfind(".//q:Variable", NS)}
    _codes(project, found)
    where = _selections(project, users, found)
    _cases(project, variables, where, found)
    for source in project.iterfind(".//q:Sources/q:TextSource", NS):
        found.file_attributes[source.get("guid")] = _values(source, variables)
    on_cases = {a for values in found.case_attributes.values() for a in values}
    on_files = {a for values in found.file_attributes.values() for a in values}
    found.contested_variables = on_cases & on_files
    return found


def counts(found: Imported) -> Counter[str]:
    """The figures a reviewer would compare before and after a change."""
    return Counter(
        codes=len(found.codes),
        rejected_codes=len(found.rejected_codes),
        codings=len(found.codings),
        lost_codings=found.lost_codings,
        cases=len(found.cases),
        rejected_cases=len(found.rejected_cases),
        linked_cases=sum(1 for texts in found.case_texts.values() if texts),
        ownerless=found.ownerless,
    )
