"""Recall per kind and precision on negatives over tests/data/redaction_cases.csv (exact
spans) and tests/data/redaction_messy.csv (identifiers as people type them, ordinary
sentences full of numbers: is every character of the identifier removed?), and
throughput of `find_identifiers` next to a single naive regex pass in the same process.

Run: .venv/bin/python benchmarks/bench_redaction.py
"""

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docs_figures  # noqa: E402

from codesign.safety.redact import find_identifiers  # noqa: E402
from tests.test_redact import CASES, MESSY, found_exactly, read_cases, removed  # noqa: E402

NAIVE = re.compile(r"\d+")


def print_quality(cases: list[dict[str, str]]) -> list[docs_figures.Row]:
    rows: list[docs_figures.Row] = []
    kinds = sorted({case["kind"] for case in cases} - {"negative"})
    for kind in kinds:
        of_kind = [case for case in cases if case["kind"] == kind]
        hits = sum(found_exactly(case) for case in of_kind)
        print(f"recall {kind:<11} {hits:>3}/{len(of_kind):<3} = {hits / len(of_kind):.3f}")
        rows.append({"kind": kind, "cases": len(of_kind), "flagged": hits})
    negatives = [case["text"] for case in cases if case["kind"] == "negative"]
    clean = sum(not find_identifiers(text) for text in negatives)
    print(f"negatives with no finding {clean}/{len(negatives)} = {clean / len(negatives):.3f}")
    wrong = len(negatives) - clean
    rows.append({"kind": "look-alikes (no identifier)", "cases": len(negatives), "flagged": wrong})
    return rows


def print_messy(cases: list[dict[str, str]]) -> list[docs_figures.Row]:
    """Recall per kind and overall, and the share of ordinary sentences wrongly flagged."""
    rows: list[docs_figures.Row] = []
    identifiers = [case for case in cases if case["kind"] != "negative"]
    for kind in sorted({case["kind"] for case in identifiers}):
        of_kind = [case for case in identifiers if case["kind"] == kind]
        hits = sum(map(removed, of_kind))
        print(f"messy recall {kind:<11} {hits:>3}/{len(of_kind):<3} = {hits / len(of_kind):.3f}")
        rows.append({"kind": kind, "cases": len(of_kind), "flagged": hits,
                     "rate": round(hits / len(of_kind), 3)})  # fmt: skip
    hits = sum(map(removed, identifiers))
    print(f"messy recall, all     {hits:>3}/{len(identifiers):<3} = {hits / len(identifiers):.3f}")
    rows.append({"kind": "all identifiers (recall)", "cases": len(identifiers), "flagged": hits,
                 "rate": round(hits / len(identifiers), 3)})  # fmt: skip
    negatives = [case["text"] for case in cases if case["kind"] == "negative"]
    wrong = sum(bool(find_identifiers(text)) for text in negatives)
    print(f"messy false positives {wrong:>3}/{len(negatives):<3} = {wrong / len(negatives):.3f}")
    rows.append({"kind": "ordinary sentences (false positives)", "cases": len(negatives),
                 "flagged": wrong, "rate": round(wrong / len(negatives), 3)})  # fmt: skip
    return rows


def texts_per_second(work: Callable[[str], object], texts: list[str], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            work(text)
    return rounds * len(texts) / (time.perf_counter() - started)


def main() -> None:
    cases = read_cases()
    print(f"{len(cases)} cases from {CASES.relative_to(ROOT)}")
    docs_figures.record("redaction", print_quality(cases))
    messy = read_cases(MESSY)
    print(f"{len(messy)} cases from {MESSY.relative_to(ROOT)}")
    docs_figures.record("redaction_messy", print_messy(messy))
    texts = [case["text"] for case in cases]
    rounds = 200
    ours = texts_per_second(find_identifiers, texts, rounds)
    naive = texts_per_second(NAIVE.findall, texts, rounds)
    print(f"find_identifiers   {ours:>12,.0f} texts/s")
    print(f"baseline \\d+ pass  {naive:>12,.0f} texts/s  (ours is {naive / ours:.1f}x slower)")
    speed: list[docs_figures.Row] = [
        {"pass": "find_identifiers", "texts per second": ours},
        {"pass": "baseline: one \\d+ regex", "texts per second": naive},
    ]
    docs_figures.record("redaction_speed", speed)


if __name__ == "__main__":
    main()
