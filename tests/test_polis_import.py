"""Importing a Pol.is export into a session, on SQLite and PostgreSQL: what is stored, that
it is stored once, as whom, with one audit event, what results make of it, the review of
held statements, and that a broken export writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import DeclarativeBase

from codesign.access import ADMIN, Actor
from codesign.analysis import results, review
from codesign.cli import main
from codesign.errors import Invalid
from codesign.facilitator.context import Context
from codesign.facilitator.imports_panel import ImportsPanel
from codesign.facilitator.results_panel import ResultsPanel
from codesign.intake import polis, polis_import, polis_review
from codesign.methods import agreement
from codesign.store import Store, events
from codesign.store.models import Contribution, Event, Participant, Vote
from codesign.workshop import components, sessions
from tests import polis_files
from tests.polis_files import CONSENSUS, FLAGGED, MODERATED_OUT, STATEMENTS
from tests.workshop import facilitator

KEPT = len(STATEMENTS) - 2  # the statements not held for review


@pytest.fixture
def export(tmp_path: Path) -> polis_files.Export:
    return polis_files.write_export(tmp_path / "polis")


@pytest.fixture
def session(store_url: str) -> sessions.SessionInfo:
    return sessions.create("south-asian-communities", "Pol.is import", url=store_url, actor=ADMIN)


def count(url: str, table: type[DeclarativeBase], *where: ColumnElement[bool]) -> int:
    with Store.open(url).reading() as db:
        return db.scalar(select(func.count()).select_from(table).where(*where)) or 0


def imported(
    folder: Path, info: sessions.SessionInfo, url: str, actor: Actor | None = None
) -> polis_import.PolisReport:
    return polis_import.import_polis(folder, info.code, actor=actor or facilitator(info), url=url)


def test_a_conversation_is_stored_in_the_session(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    report = imported(export.folder, session, store_url)
    assert (report.comments_added, report.votes_added) == (len(STATEMENTS), export.votes)
    assert (len(report.participants), report.participants_added) == (export.voters,) * 2
    assert report.held == 2
    with Store.open(store_url).reading() as db:
        refs = db.scalars(select(Contribution.ref).where(Contribution.session_id == session.id))
        assert sorted(int(ref or -1) for ref in refs) == list(range(len(STATEMENTS)))
        people = db.scalars(select(Participant.import_source).where(Participant.ref.is_not(None)))
        assert set(people) == {polis_import.source_of(session.code)}
    assert count(store_url, Vote, Vote.session_id == session.id) == export.votes


def test_opinion_groups_are_the_camps_participants_votes_csv_names(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    imported(export.folder, session, store_url)
    polis_review.release(Store.open(store_url), session.id, actor=facilitator(session))
    found = results.results(session.id, store_url, actor=facilitator(session)).opinions
    truth = polis.read_participant_groups(export.folder / "participants-votes.csv")
    camps = [{truth[int(ref)] for ref in g.participants} for g in found.groups]
    assert sorted(sorted(camp, key=str) for camp in camps) == [[0], [1]]
    assert sum(len(g.participants) for g in found.groups) == export.voters


def test_importing_again_adds_nothing_and_a_later_export_updates_changed_votes(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    imported(export.folder, session, store_url)
    again = imported(export.folder, session, store_url)
    assert (again.comments_added, again.votes_added, again.participants_added) == (0, 0, 0)
    assert (again.comments_unchanged, again.votes_unchanged) == (len(STATEMENTS), export.votes)
    polis_files.append_vote(export.folder, voter=3, comment=0, value=1)  # was -1
    later = imported(export.folder, session, store_url)
    assert (later.votes_added, later.votes_changed) == (0, 1)
    assert count(store_url, Vote, Vote.session_id == session.id) == export.votes
    assert count(store_url, Contribution, Contribution.session_id == session.id) == len(STATEMENTS)


def test_author_zero_of_two_conversations_stays_two_people(
    store_url: str, session: sessions.SessionInfo, tmp_path: Path
) -> None:
    other = sessions.create(
        "south-asian-communities", "Another conversation", url=store_url, actor=ADMIN
    )
    for info, name in ((session, "first"), (other, "second")):
        imported(polis_files.write_export(tmp_path / name).folder, info, store_url)
    with Store.open(store_url).reading() as db:
        zeros = db.execute(
            select(Participant.id, Participant.import_source).where(Participant.ref == "0")
        ).all()
    assert len({pid for pid, _ in zeros}) == 2
    assert {source for _, source in zeros} == {
        polis_import.source_of(session.code),
        polis_import.source_of(other.code),
    }


def test_one_summary_event_per_import_and_the_audit_trail_holds(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    before = count(store_url, Event)
    report = imported(export.folder, session, store_url)
    imported(export.folder, session, store_url)
    assert count(store_url, Event) == before + 2
    with Store.open(store_url).reading() as db:
        first = db.scalars(select(Event).where(Event.action == "import").order_by(Event.id)).first()
    assert first is not None and (first.session_id, first.digest) == (session.id, report.digest)
    parsed = polis.read_export(export.folder)
    assert report.digest == events.digest(polis_import.manifest(parsed.comments, parsed.votes))
    verified = CliRunner().invoke(main, ["audit", "verify", "--db", store_url])
    assert verified.exit_code == 0, verified.output
    assert f"Audit trail intact: {before + 2} events." in verified.output


def test_consensus_divisive_and_representative_across_opinion_groups(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    """Nobody declared a group, so the opinion groups judge, as Pol.is does."""
    imported(export.folder, session, store_url)
    found = results.results(session.id, store_url, actor=facilitator(session))
    assert found.judged_by == results.OPINION and len(found.groups) == 2
    verdicts = {int(p.ref or -1): p.verdict for p in found.proposals}
    assert agreement.NOT_ENOUGH not in verdicts.values()
    assert verdicts[CONSENSUS] == agreement.CONSENSUS_AGREE
    camp_statements = [n for n, s in enumerate(STATEMENTS) if s.camp is not None and n in verdicts]
    assert {verdicts[n] for n in camp_statements} == {agreement.DIVISIVE}
    o = found.opinions
    assert [int(found.proposal(s).ref or -1) for s in o.consensus] == [CONSENSUS]
    assert sorted(int(found.proposal(s).ref or -1) for s in o.divisive) == camp_statements
    for group in o.groups:  # a group agrees with its camp's statements, disagrees with the other's
        camps = {side_of(STATEMENTS[int(found.proposal(r.statement).ref or -1)], r.repful_for)
                 for r in group.representative}  # fmt: skip
        assert len(camps) == 1 and group.representative


def side_of(statement: polis_files.Statement, repful_for: str) -> int | None:
    """The camp a representative statement speaks for."""
    if statement.camp is None or repful_for == "agree":
        return statement.camp
    return 1 - statement.camp


def test_held_statements_are_shown_with_their_reasons_and_released_in_one_step(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    imported(export.folder, session, store_url)
    actor, db = facilitator(session), Store.open(store_url)
    shown = {h.ref: h for h in polis_review.held(db, session.id, actor=actor)}
    assert set(shown) == {str(MODERATED_OUT), str(FLAGGED)}
    assert shown[str(MODERATED_OUT)].in_polis == polis_review.REMOVED_IN_POLIS
    assert shown[str(FLAGGED)].in_polis == polis_review.SHOWN_IN_POLIS
    assert [c for c, _ in shown[str(FLAGGED)].reasons] == ["risk_to_life"]
    assert all(h.votes == export.votes // len(STATEMENTS) for h in shown.values())
    assert len(results.results(session.id, store_url, actor=actor).proposals) == KEPT
    before = count(store_url, Event)
    released = polis_review.release(db, session.id, actor=actor)
    assert sorted((h.ref for h in released), key=str) == sorted(shown, key=str)
    assert polis_review.held(db, session.id, actor=actor) == []
    assert len(results.results(session.id, store_url, actor=actor).proposals) == len(STATEMENTS)
    assert (
        count(store_url, Event, Event.action == "release") == 2 == count(store_url, Event) - before
    )


def test_held_statements_stay_out_of_the_review_report_and_clustering_until_released(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    """The review report's consensus and divisive lists and the suggested components take
    only shown statements, as `results` does: a held one is in none until released."""
    imported(export.folder, session, store_url)
    actor, held_refs = facilitator(session), {str(MODERATED_OUT), str(FLAGGED)}

    def judged() -> set[str]:
        tables = review.load(session.code, actor=actor, url=store_url)
        texts = {str(row["id"]): row["ref"] for row in tables["contributions"]}
        return {texts[p.contribution] for p in review.proposals(tables)}

    def clustered() -> set[str]:
        found = components.cluster(session.id, k=2, method="tfidf", url=store_url, actor=actor)
        return {str(m.ref) for c in found for m in c.members}

    assert held_refs.isdisjoint(judged()) and held_refs.isdisjoint(clustered())
    polis_review.release(Store.open(store_url), session.id, actor=actor)
    assert held_refs <= judged() and held_refs <= clustered()


def test_releasing_an_unknown_ref_releases_nothing(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    imported(export.folder, session, store_url)
    actor, db = facilitator(session), Store.open(store_url)
    with pytest.raises(Invalid, match="No held imported statement has ref 99"):
        polis_review.release(db, session.id, {str(FLAGGED), "99"}, actor=actor)
    assert len(polis_review.held(db, session.id, actor=actor)) == 2


def test_releasing_again_says_it_was_already_released(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    imported(export.folder, session, store_url)
    actor, db = facilitator(session), Store.open(store_url)
    polis_review.release(db, session.id, {str(FLAGGED)}, actor=actor)
    with pytest.raises(Invalid, match=f"Imported statement {FLAGGED} was already released"):
        polis_review.release(db, session.id, {str(FLAGGED)}, actor=actor)
    with pytest.raises(Invalid, match=f"Imported statement {CONSENSUS} was never held"):
        polis_review.release(db, session.id, {str(CONSENSUS)}, actor=actor)
    assert [h.ref for h in polis_review.held(db, session.id, actor=actor)] == [str(MODERATED_OUT)]


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda folder: polis_files.append_vote(folder, 1, 99, 1), "comment-id 99 is not in"),
        (lambda folder: polis_files.append_vote(folder, 1, 0, 2), "votes.csv, line 266: vote 2"),
        (lambda folder: polis_files.append_vote(folder, "x", 0, 1), "voter-id 'x'"),
        (lambda folder: (folder / "comments.csv").write_text("timestamp,comment-id\n1,2\n"),
         "comments.csv, line 1: missing column(s)"),
        (lambda folder: (folder / "votes.csv").unlink(), "votes.csv: cannot be read"),
    ],
)  # fmt: skip
def test_a_broken_export_is_a_clear_error_and_writes_nothing(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export, breakage, message
) -> None:
    breakage(export.folder)
    tables = (Contribution, Vote, Participant, Event)
    before = [count(store_url, table) for table in tables]
    with pytest.raises(Invalid) as caught:
        imported(export.folder, session, store_url)
    assert message in str(caught.value)
    assert [count(store_url, table) for table in tables] == before


def test_the_facilitator_imports_then_reads_the_groups_and_statements(
    store_url: str, session: sessions.SessionInfo, export: polis_files.Export
) -> None:
    """The notebook's Imported tab imports and releases; its Results tab shows what Pol.is
    users look for: the opinion groups, what represents each, consensus and divisive."""
    ctx = Context(session, facilitator(session), store_url)
    imports = ImportsPanel(ctx)
    imports.run.click()
    assert "Type the folder" in imports.status.value
    imports.folder.value = str(export.folder)
    imports.run.click()
    assert f"Imported {len(STATEMENTS)} statements" in imports.status.value
    assert "2 statements are held" in imports.status.value
    assert "may describe a risk to life" in imports.table.value
    imports.release_all.click()
    assert "Released 2 statements" in imports.status.value
    shown = ResultsPanel(ctx).opinions.value
    assert "Opinion group 1</b> (12 people)" in shown and "Opinion group 2</b> (12 people)" in shown
    consensus, divisive = shown.split("Consensus across")[1].split("Divisive across")
    assert STATEMENTS[CONSENSUS].text in consensus
    assert all(s.text in divisive for s in STATEMENTS if s.camp is not None and s.moderated == 1)
    assert "agree 1" in shown.split("Consensus across")[0]  # each group's representative figures
