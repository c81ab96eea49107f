"""Checks on the shipped content: session templates, toolkit sections, programme components,
consent text and the synthetic demo workshop.

The loader trusts these files, so a broken reference or a blown dot budget here would surface
as a confusing failure in a live session; these tests catch it where the content is written.
"""

import json
import re
import statistics
import tomllib
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
TEMPLATES = ROOT / "templates"
SESSION_FILES = sorted((TEMPLATES / "sessions").glob("*.toml"))
DEMO = ROOT / "workshop_data" / "demo" / "workshop.json"

CODESIGN_GROUPS = {"black-communities", "south-asian-communities"}
GROUPS = CODESIGN_GROUPS | {"advisory"}
PHASE_KINDS = {"info", "collect", "cluster", "vote", "feedback", "close"}
CODESIGN_ROLES = {
    "by_and_for_organisation",
    "practitioner",
    "community_expert",
    "expert_by_experience",
}
ORGANISATION_TYPES = {"by_and_for", "mainstream", "statutory", "independent"}
LANGUAGES = {"en", "ur", "bn", "pa", "gu", "hi"}
SCRIPTS = {  # Unicode block of each non-Latin language the demo writes in
    "ur": (0x0600, 0x06FF),
    "bn": (0x0980, 0x09FF),
    "pa": (0x0A00, 0x0A7F),
    "gu": (0x0A80, 0x0AFF),
    "hi": (0x0900, 0x097F),
}
CONTRIBUTION_KINDS = {"idea", "proposal", "concern", "question"}
FEEDBACK_TYPES = {"suggestion", "concern", "question", "endorsement"}
SECTION_KEYS = [
    "knowledge",
    "diversity",
    "outcomes",
    "reflection",
    "power-dynamics",
    "rights",
    "confidence",
    "equity",
]
CODESIGN_PLAN = ["understanding-the-need", "programme-components", "prioritising"]
DOT_BUDGET = 5
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PHONE = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")


def load_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def session_template(name: str) -> dict[str, Any]:
    return load_toml(TEMPLATES / "sessions" / f"{name}.toml")


def word_count(text: str) -> int:
    return len(text.split())


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return json.loads(DEMO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def people(demo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["pseudonym"]: p for p in demo["participants"]}


@pytest.fixture(scope="module")
def sessions(demo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in demo["sessions"]}


@pytest.fixture(scope="module")
def contributions(demo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["ref"]: c for c in demo["contributions"]}


# --- session templates -------------------------------------------------------------------


def test_the_four_session_plans_exist() -> None:
    names = {path.stem for path in SESSION_FILES}
    assert {*CODESIGN_PLAN, "toolkit-section-review"} <= names


@pytest.mark.parametrize("path", SESSION_FILES, ids=lambda p: p.stem)
def test_session_template_has_required_keys(path: Path) -> None:
    plan = load_toml(path)
    assert plan["title"].strip() and plan["description"].strip()
    assert plan["for_groups"] and set(plan["for_groups"]) <= GROUPS
    assert plan["phases"], "a session needs at least one phase"


@pytest.mark.parametrize("path", SESSION_FILES, ids=lambda p: p.stem)
def test_session_phases_are_well_formed(path: Path) -> None:
    phases = load_toml(path)["phases"]
    keys = [phase["key"] for phase in phases]
    assert len(keys) == len(set(keys)), "phase keys must be unique within a plan"
    for phase in phases:
        assert KEY.match(phase["key"]), phase["key"]
        assert phase["name"].strip()
        assert phase["kind"] in PHASE_KINDS
        assert isinstance(phase["minutes"], int) and phase["minutes"] > 0
        assert bool(phase["prompt"].strip()) == (phase["kind"] not in {"info", "close"})
        assert not phase.get("rating") or phase["kind"] == "feedback"


@pytest.mark.parametrize("path", SESSION_FILES, ids=lambda p: p.stem)
def test_session_opens_with_info_and_ends_with_close(path: Path) -> None:
    kinds = [phase["kind"] for phase in load_toml(path)["phases"]]
    assert kinds[0] == "info" and kinds[-1] == "close"


def test_codesign_plans_collect_then_cluster_or_vote() -> None:
    for name in CODESIGN_PLAN:
        plan = session_template(name)
        kinds = [phase["kind"] for phase in plan["phases"]]
        assert set(plan["for_groups"]) == CODESIGN_GROUPS
        assert "collect" in kinds and "vote" in kinds


def test_toolkit_review_has_a_feedback_and_a_rating_phase() -> None:
    plan = session_template("toolkit-section-review")
    feedback = [phase for phase in plan["phases"] if phase["kind"] == "feedback"]
    assert plan["for_groups"] == ["advisory"]
    assert [bool(phase.get("rating")) for phase in feedback] == [False, True]


# --- toolkit, components, consent --------------------------------------------------------


def test_toolkit_has_the_eight_practice_points_in_order() -> None:
    sections = load_toml(TEMPLATES / "toolkit" / "sections.toml")["sections"]
    assert [s["key"] for s in sections] == SECTION_KEYS
    assert [s["practice_point"] for s in sections] == list(range(1, 9))


@pytest.mark.parametrize("index", range(8), ids=SECTION_KEYS)
def test_toolkit_section_text_is_a_titled_first_draft(index: int) -> None:
    section = load_toml(TEMPLATES / "toolkit" / "sections.toml")["sections"][index]
    text = section["text"].strip()
    assert text.startswith(f"## {section['title']}\n")
    assert 120 <= word_count(text) <= 250


def test_programme_components_cover_the_candidates() -> None:
    components = load_toml(TEMPLATES / "programme" / "components.toml")["components"]
    keys = [c["key"] for c in components]
    assert len(keys) == len(set(keys)) and all(KEY.match(k) for k in keys)
    assert all(c["name"].strip() and c["description"].strip() for c in components)
    names = " ".join(c["name"].lower() for c in components)
    for theme in ("family", "faith", "immigration", "mental health", "safety", "patriarchal"):
        assert theme in names


def test_consent_text_is_versioned_and_complete() -> None:
    consent = load_toml(TEMPLATES / "consent" / "consent.toml")
    assert re.fullmatch(r"\d{4}-\d{2}-v\d+", consent["version"])
    english = consent["en"]
    for key in ("title", "body", "agree_contribute", "agree_quote", "agree_contact"):
        assert english[key].strip(), key
    body = english["body"]
    for must in ("0808 2000 247", "999", "withdrawal code", "not a support service"):
        assert must in body, must


# --- demo workshop: shape and references -------------------------------------------------


def test_demo_is_marked_synthetic(demo: dict[str, Any]) -> None:
    assert demo["synthetic"] is True
    assert "synthetic" in demo["notice"].lower()
    assert demo["programme"].strip()


def test_participants_are_well_formed(demo: dict[str, Any]) -> None:
    names = [p["pseudonym"] for p in demo["participants"]]
    assert len(names) == len(set(names))
    for p in demo["participants"]:
        assert len(p["pseudonym"].split()) == 2
        assert p["group"] in GROUPS and p["language"] in LANGUAGES
        assert set(p["consent"]) == {"contribute", "quote", "contact"}
        assert all(isinstance(v, bool) for v in p["consent"].values())


def test_roles_fit_groups(demo: dict[str, Any]) -> None:
    for p in demo["participants"]:
        if p["group"] == "advisory":
            assert p["role"] == "advisory_member"
            assert p["organisation_type"] in ORGANISATION_TYPES
        else:
            assert p["role"] in CODESIGN_ROLES and p["organisation_type"] is None


def test_group_sizes(demo: dict[str, Any]) -> None:
    sizes = Counter(p["group"] for p in demo["participants"])
    assert all(sizes[g] >= 15 for g in CODESIGN_GROUPS)
    assert sizes["advisory"] >= 10


def test_sessions_use_existing_plans_for_their_group(demo: dict[str, Any]) -> None:
    keys = [s["key"] for s in demo["sessions"]]
    assert len(keys) == len(set(keys))
    for s in demo["sessions"]:
        plan = session_template(s["template"])
        assert s["group"] in plan["for_groups"]
        assert s["current_phase"] in {phase["key"] for phase in plan["phases"]}
        assert date(2026, 10, 1) <= date.fromisoformat(s["date"]) <= date(2026, 11, 30)


def held(demo: dict[str, Any], group: str) -> list[dict[str, Any]]:
    """A group's past sessions: the `*-live` ones are left open for people to try the forms."""
    return [s for s in demo["sessions"] if s["group"] == group and not s["key"].endswith("-live")]


def test_each_codesign_group_runs_the_three_sessions(demo: dict[str, Any]) -> None:
    for group in CODESIGN_GROUPS:
        ordered = sorted(held(demo, group), key=by_date)
        assert [s["template"] for s in ordered] == CODESIGN_PLAN
    assert len(held(demo, "advisory")) == 2


def test_every_group_has_one_live_session_to_try(demo: dict[str, Any]) -> None:
    for group in (*CODESIGN_GROUPS, "advisory"):
        live = [s for s in demo["sessions"] if s["group"] == group and s["key"].endswith("-live")]
        assert len(live) == 1
        assert live[0]["current_phase"] != "close"


def by_date(session: dict[str, Any]) -> str:
    return str(session["date"])


def test_contribution_references_resolve(
    demo: dict[str, Any], people: dict[str, Any], sessions: dict[str, Any]
) -> None:
    refs = [c["ref"] for c in demo["contributions"]]
    assert len(refs) == len(set(refs))
    for c in demo["contributions"]:
        session = sessions[c["session"]]
        assert c["ref"].startswith(f"{c['session']}-")
        assert people[c["participant"]]["group"] == session["group"]
        assert c["phase"] in collect_phases(session["template"])
        assert c["created_at"].startswith(session["date"])
        datetime.fromisoformat(c["created_at"])


def collect_phases(template: str) -> set[str]:
    return {p["key"] for p in session_template(template)["phases"] if p["kind"] == "collect"}


def test_contribution_fields_are_valid(demo: dict[str, Any]) -> None:
    for c in demo["contributions"]:
        assert c["kind"] in CONTRIBUTION_KINDS
        assert c["language"] in LANGUAGES
        assert isinstance(c["entered_by_facilitator"], bool)
        assert 5 <= word_count(c["text"]) <= 40, c["text"]


# --- demo workshop: sizes and variety ----------------------------------------------------


def test_each_codesign_group_has_enough_contributions(
    demo: dict[str, Any], sessions: dict[str, Any]
) -> None:
    per_group = Counter(sessions[c["session"]]["group"] for c in demo["contributions"])
    assert all(per_group[g] >= 80 for g in CODESIGN_GROUPS)


def test_programme_sessions_are_mostly_proposals_and_ideas(
    demo: dict[str, Any], sessions: dict[str, Any]
) -> None:
    kinds = Counter(
        c["kind"]
        for c in demo["contributions"]
        if sessions[c["session"]]["template"] == "programme-components"
    )
    assert kinds["proposal"] + kinds["idea"] > 0.8 * sum(kinds.values())
    overall = Counter(c["kind"] for c in demo["contributions"])
    assert overall["concern"] >= 3 and overall["question"] >= 3


def test_a_few_contributions_were_typed_in_by_facilitators(demo: dict[str, Any]) -> None:
    typed = [c for c in demo["contributions"] if c["entered_by_facilitator"]]
    assert 2 <= len(typed) <= 3


def test_someone_in_each_codesign_group_has_not_contributed(demo: dict[str, Any]) -> None:
    authors = {c["participant"] for c in demo["contributions"]}
    for group in CODESIGN_GROUPS:
        members = {p["pseudonym"] for p in demo["participants"] if p["group"] == group}
        assert members - authors, f"everyone in {group} contributed"


def test_contributions_in_community_languages(demo: dict[str, Any]) -> None:
    languages = Counter(c["language"] for c in demo["contributions"])
    assert all(languages[code] >= 1 for code in ("ur", "bn", "pa"))


def test_non_english_contributions_are_written_in_their_script(demo: dict[str, Any]) -> None:
    for c in demo["contributions"]:
        if c["language"] in SCRIPTS:
            low, high = SCRIPTS[c["language"]]
            assert any(low <= ord(ch) <= high for ch in c["text"]), c["ref"]


def test_moderation_material_is_present_and_safe(demo: dict[str, Any]) -> None:
    texts = [c["text"] for c in demo["contributions"]]
    phones = [m.group().replace(" ", "") for t in texts for m in PHONE.finditer(t)]
    domains = [m.group(1) for t in texts for m in EMAIL.finditer(t)]
    postcodes = [m.group() for t in texts for m in POSTCODE.finditer(t)]
    assert phones and domains and postcodes
    assert all(re.fullmatch(r"07700900\d{3}", p) for p in phones), "use Ofcom's drama range"
    assert all(d in {"example.org", "example.com", "example.net"} for d in domains)


# --- demo workshop: votes ----------------------------------------------------------------


def test_votes_are_on_the_previous_sessions_proposals(
    demo: dict[str, Any],
    people: dict[str, Any],
    sessions: dict[str, Any],
    contributions: dict[str, Any],
) -> None:
    assert demo["votes"]
    for v in demo["votes"]:
        session = sessions[v["session"]]
        proposal = contributions[v["contribution"]]
        assert session["template"] == "prioritising"
        assert people[v["participant"]]["group"] == session["group"]
        assert proposal["kind"] == "proposal"
        assert sessions[proposal["session"]]["group"] == session["group"]
        assert sessions[proposal["session"]]["template"] == "programme-components"


def test_vote_values_fit_their_kind(demo: dict[str, Any]) -> None:
    for v in demo["votes"]:
        allowed = {1, 2, 3} if v["kind"] == "dot" else {-1, 0, 1}
        assert v["kind"] in {"dot", "agree"} and v["value"] in allowed


def test_one_vote_of_each_kind_per_person_and_proposal(demo: dict[str, Any]) -> None:
    seen = Counter((v["participant"], v["contribution"], v["kind"]) for v in demo["votes"])
    assert max(seen.values()) == 1


def test_dot_budgets_are_respected(demo: dict[str, Any]) -> None:
    spent: Counter[tuple[str, str]] = Counter()
    for v in demo["votes"]:
        if v["kind"] == "dot":
            spent[v["session"], v["participant"]] += v["value"]
    assert spent and max(spent.values()) <= DOT_BUDGET


def test_voters_react_to_most_proposals(
    demo: dict[str, Any], contributions: dict[str, Any], sessions: dict[str, Any]
) -> None:
    reacted: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for v in demo["votes"]:
        if v["kind"] == "agree":
            reacted[v["session"], v["participant"]].add(v["contribution"])
    for (session, _voter), seen in reacted.items():
        group = sessions[session]["group"]
        offered = [
            c
            for c in contributions.values()
            if c["kind"] == "proposal" and sessions[c["session"]]["group"] == group
        ]
        assert len(seen) >= 0.6 * len(offered)


def test_agree_votes_show_consensus_and_division(demo: dict[str, Any]) -> None:
    tallies: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for v in demo["votes"]:
        if v["kind"] == "agree":
            tallies[v["contribution"]][v["value"]] += 1
    shares = [t[1] / (t[1] + t[-1]) for t in tallies.values() if t[1] + t[-1] >= 8]
    assert sum(share >= 0.9 for share in shares) >= 4, "some near-unanimous proposals"
    assert sum(0.3 <= share <= 0.6 for share in shares) >= 4, "some divisive proposals"


# --- demo workshop: advisory feedback and ratings ----------------------------------------


def test_feedback_is_well_formed(
    demo: dict[str, Any], people: dict[str, Any], sessions: dict[str, Any]
) -> None:
    refs = [f["ref"] for f in demo["feedback"]]
    assert len(refs) == len(set(refs)) and len(refs) >= 48
    for f in demo["feedback"]:
        assert sessions[f["session"]]["template"] == "toolkit-section-review"
        assert people[f["participant"]]["group"] == "advisory"
        assert f["section"] in SECTION_KEYS
        assert f["type"] in FEEDBACK_TYPES and f["priority"] in {"low", "medium", "high"}
        assert f["rating"] in range(1, 6) and f["text"].strip()
        assert f["created_at"].startswith(sessions[f["session"]]["date"])


def test_feedback_covers_every_section_unevenly(demo: dict[str, Any]) -> None:
    per_section = Counter(f["section"] for f in demo["feedback"])
    assert set(per_section) == set(SECTION_KEYS)
    assert max(per_section.values()) >= 2 * min(per_section.values())
    assert {f["type"] for f in demo["feedback"]} == FEEDBACK_TYPES


def test_ratings_are_well_formed(
    demo: dict[str, Any], people: dict[str, Any], sessions: dict[str, Any]
) -> None:
    rounds = advisory_rounds(demo)
    seen = Counter((r["round"], r["participant"], r["section"]) for r in demo["ratings"])
    assert max(seen.values()) == 1
    for r in demo["ratings"]:
        assert rounds[r["round"]] == r["session"]
        assert people[r["participant"]]["group"] == "advisory"
        assert r["section"] in SECTION_KEYS
        assert all(r[d] in range(1, 6) for d in ("relevance", "clarity", "actionability"))


def advisory_rounds(demo: dict[str, Any]) -> dict[int, str]:
    """Round n is the advisory group's n-th review session by date."""
    advisory = sorted((s for s in demo["sessions"] if s["group"] == "advisory"), key=by_date)
    return {n: s["key"] for n, s in enumerate(advisory, 1)}


def test_ratings_leave_a_few_gaps(demo: dict[str, Any]) -> None:
    members = sum(p["group"] == "advisory" for p in demo["participants"])
    full = 2 * members * len(SECTION_KEYS)
    assert full - 10 <= len(demo["ratings"]) < full


def test_second_round_moves_towards_consensus(demo: dict[str, Any]) -> None:
    narrower = [spread(demo, 2, s) < spread(demo, 1, s) for s in SECTION_KEYS]
    assert sum(narrower) >= 5


def spread(demo: dict[str, Any], round_: int, section: str) -> float:
    """Mean standard deviation of the three scores: how far apart the raters are."""
    rows = [r for r in demo["ratings"] if r["round"] == round_ and r["section"] == section]
    dimensions = ("relevance", "clarity", "actionability")
    return statistics.mean(statistics.pstdev(r[d] for r in rows) for d in dimensions)
