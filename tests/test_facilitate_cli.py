"""`codesign cluster`, `import polis`, `opinion-groups` and `results`: names and JSON shapes."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from codesign.access import ADMIN
from codesign.cli import main
from codesign.demo import workshop as demo
from codesign.workshop import contributions, sessions
from tests import polis_files
from tests.polis_files import FLAGGED, MODERATED_OUT, STATEMENTS

SHARED_POLIS = Path(__file__).parents[1].parent / "shared" / "data" / "polis"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 1, result.output
    return result.output


@pytest.fixture
def polis_dir(tmp_path: Path) -> Path:
    return polis_files.write_export(tmp_path / "polis").folder


def new_session(url: str) -> str:
    return sessions.create("south-asian-communities", "Pol.is import", url=url, actor=ADMIN).code


def cluster_json(url: str, code: str, *extra: str) -> dict:
    return json.loads(run("cluster", "--session", code, "--json", "--db", url, *extra))


def test_help_for_every_facilitator_command() -> None:
    for command in (["cluster"], ["import", "polis"], ["opinion-groups"], ["results"]):
        assert "Usage:" in run(*command, "--help")


def test_cluster_json_shape_on_the_demo(demo_url: str) -> None:
    code = demo.demo_code("bc-2")
    found = cluster_json(demo_url, code, "--k", "4")
    assert set(found) == {"method", "components"} and len(found["components"]) == 4
    assert found["method"] == "multilingual"
    for comp in found["components"]:
        assert set(comp) == {"label", "keywords", "members", "representatives", "languages"}
        assert isinstance(comp["label"], str) and isinstance(comp["keywords"], list)
        assert all(set(m) == {"id", "ref"} for m in comp["members"])
        assert comp["representatives"] and comp["representatives"][:2] == comp["representatives"]
        assert all(r in comp["members"] for r in comp["representatives"])
        assert comp["languages"] == ["en"]  # bc-2 is written in English
    refs = [m["ref"] for c in found["components"] for m in c["members"]]
    sid = sessions.by_code(code, demo_url).id
    waiting = contributions.for_session(sid, actor=ADMIN, url=demo_url)
    held = {c.ref for c in waiting if c.needs_review}
    assert held and held.isdisjoint(refs)  # a flag waiting for review is clustered once reviewed
    assert len(refs) == len(set(refs)) == 36 + 6 + 2 + 1 - len(held)  # every shown one, once
    assert "Programme" in run("cluster", "--session", code, "--db", demo_url) or refs


def test_import_polis_then_cluster_and_opinion_groups(demo_url: str, polis_dir: Path) -> None:
    code = new_session(demo_url)
    report = json.loads(
        run("import", "polis", str(polis_dir), "--session", code, "--json", "--db", demo_url)
    )
    votes = 24 * len(STATEMENTS)
    assert report["comments_added"] == len(STATEMENTS) and report["votes_added"] == votes
    again = json.loads(
        run("import", "polis", str(polis_dir), "--session", code, "--json", "--db", demo_url)
    )
    assert again["comments_added"] == again["votes_added"] == 0
    assert again["votes_unchanged"] == votes
    found = cluster_json(demo_url, code)
    refs = sorted(int(m["ref"]) for c in found["components"] for m in c["members"])
    held = {MODERATED_OUT, FLAGGED}  # out of clustering until released
    assert refs == [n for n in range(len(STATEMENTS)) if n not in held]  # each in one component
    groups = json.loads(run("opinion-groups", "--session", code, "--json", "--db", demo_url))
    camps = [{int(p["ref"]) % 2 for p in g["participants"]} for g in groups["groups"]]
    assert all(len(camp) == 1 for camp in camps)  # no group mixes the two voting camps
    assert sum(len(g["participants"]) for g in groups["groups"]) == 24


def test_results_json_on_a_polis_import(demo_url: str, polis_dir: Path) -> None:
    code = new_session(demo_url)
    run("import", "polis", str(polis_dir), "--session", code, "--db", demo_url)
    run("cluster", "--session", code, "--db", demo_url)
    found = json.loads(run("results", "--session", code, "--json", "--db", demo_url))
    kept = len(STATEMENTS) - 2  # the moderated-out and the flagged statement wait for review
    assert len(found["proposals"]) == kept
    first = found["proposals"][0]
    assert first["agree"] + first["disagree"] + first["pass"] == 24 and first["pass"] > 0
    assert sum(len(c["proposals"]) for c in found["components"]) == kept
    assert "proposal" in run("results", "--session", code, "--db", demo_url)


def test_results_on_the_demo_split_by_declared_groups(demo_url: str) -> None:
    found = json.loads(
        run("results", "--session", demo.demo_code("bc-3"), "--json", "--db", demo_url)
    )
    assert "expert by experience" in found["groups"]
    top = found["proposals"][0]
    assert top["dots"] >= found["proposals"][-1]["dots"]
    assert set(top["by_group"]) <= set(found["groups"])
    data = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
    dots = sum(v["value"] for v in data["votes"] if v["session"] == "bc-3" and v["kind"] == "dot")
    assert sum(p["dots"] for p in found["proposals"]) == dots


def test_results_on_an_empty_session_say_there_is_nothing_yet(store_url: str) -> None:
    shown = run("results", "--session", new_session(store_url), "--db", store_url)
    assert "Consensus: none (no votes yet)." in shown
    assert "Divisive: none (no votes yet)." in shown
    assert ": )" not in shown and "groups: )" not in shown


def test_malformed_polis_export_writes_nothing(demo_url: str, polis_dir: Path) -> None:
    code = new_session(demo_url)
    with (polis_dir / "votes.csv").open("a") as f:
        f.write("1700000200000,,99,1,1\n")  # a vote on a statement that does not exist
    assert "comment-id 99" in fails(
        "import", "polis", str(polis_dir), "--session", code, "--db", demo_url
    )
    (polis_dir / "comments.csv").write_text("timestamp,comment-id\n1,2\n")
    assert "missing column" in fails(
        "import", "polis", str(polis_dir), "--session", code, "--db", demo_url
    )
    assert cluster_json(demo_url, code)["components"] == []


@pytest.mark.parametrize("conversation", ["canadian-electoral-reform"])
def test_a_real_polis_conversation(demo_sqlite: str, conversation: str) -> None:
    folder = SHARED_POLIS / conversation
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent (shared Pol.is data)")
    code = new_session(demo_sqlite)
    run("import", "polis", str(folder), "--session", code, "--db", demo_sqlite)
    with (folder / "comments.csv").open(newline="") as f:
        expected = sorted(row["comment-id"] for row in csv.DictReader(f))
    held = json.loads(run("import", "held", "--session", code, "--json", "--db", demo_sqlite))
    found = cluster_json(demo_sqlite, code)
    clustered = sorted(m["ref"] for c in found["components"] for m in c["members"])
    assert clustered == sorted(set(expected) - {h["ref"] for h in held["held"]})
    groups = json.loads(run("opinion-groups", "--session", code, "--json", "--db", demo_sqlite))
    assert len(groups["groups"]) >= 2
    assert all(p["ref"].isdigit() for g in groups["groups"] for p in g["participants"])


def test_cluster_text_shows_two_typical_proposals_per_component(store_url: str) -> None:
    code = new_session(store_url)
    info = sessions.by_code(code, store_url)
    texts = [statement.text for statement in STATEMENTS[:9]]
    for text in texts:
        contributions.submit(info.id, None, text, actor=ADMIN, url=store_url)
    out = run("cluster", "--session", code, "--k", "3", "--method", "tfidf", "--db", store_url)
    typical = [line for line in out.splitlines() if line.startswith("  typical: ")]
    assert len(typical) == 3
    for line in typical:
        quoted = line.removeprefix("  typical: ").split(" · ")
        assert 1 <= len(quoted) <= 2
        assert all(q.strip("“”") in texts for q in quoted)
