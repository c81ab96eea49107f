"""De-identified exports: no identifier from the committed case file survives, pseudonyms
and ids become hashes salted afresh per export, imported references are dropped."""

import csv
from pathlib import Path

import pytest

from codesign import exports
from codesign.access import ADMIN
from codesign.intake import importers
from codesign.workshop import sessions

CASES = Path(__file__).parent / "data" / "redaction_cases.csv"


def _positive_cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"] != "negative"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def loaded(store_url: str, tmp_path: Path) -> tuple[str, str]:
    """Every positive case as a contribution, from imported participants with references."""
    info = sessions.create("south-asian-communities", "Cases", url=store_url, actor=ADMIN)
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "participant"])
        for n, case in enumerate(_positive_cases()):
            writer.writerow([case["text"], f"SHEET-REF-{n % 7}"])
    report = importers.import_contributions(source, info.code, url=store_url, actor=ADMIN)
    assert report.problems == [] and report.added == len(_positive_cases())
    return store_url, info.code


def test_identifiers_are_in_the_plain_export(loaded: tuple[str, str], tmp_path: Path) -> None:
    """The control: without de-identification every identifier is there."""
    url, code = loaded
    plain = exports.export(code, "csv", tmp_path / "plain.csv", url=url, actor=ADMIN).read_text(
        "utf-8-sig"
    )
    assert all(case["expected"] in plain for case in _positive_cases())
    assert "SHEET-REF-3" in plain


def test_no_identifier_survives_a_deidentified_csv(loaded: tuple[str, str], tmp_path: Path) -> None:
    url, code = loaded
    out = exports.export(
        code, "csv", tmp_path / "deid.csv", url=url, deidentified=True, actor=ADMIN
    )
    body = out.read_text(encoding="utf-8-sig")
    survivors = [case["expected"] for case in _positive_cases() if case["expected"] in body]
    assert survivors == []
    assert "SHEET-REF" not in body
    rows = _read(out)
    assert {row["participant_ref"] for row in rows} == {""}
    assert all(row["participant"].startswith("p-") for row in rows)
    assert len({row["participant"] for row in rows}) == 7
    assert all(row["id"].startswith("c-") for row in rows)


def test_hashes_are_salted_afresh_for_each_export(loaded: tuple[str, str], tmp_path: Path) -> None:
    url, code = loaded
    first = _read(
        exports.export(code, "csv", tmp_path / "1.csv", url=url, deidentified=True, actor=ADMIN)
    )
    second = _read(
        exports.export(code, "csv", tmp_path / "2.csv", url=url, deidentified=True, actor=ADMIN)
    )
    assert {r["participant"] for r in first}.isdisjoint({r["participant"] for r in second})
    assert [r["text"] for r in first] == [r["text"] for r in second]
