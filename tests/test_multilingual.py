"""Clustering by meaning in the database: translations share components, vectors are
cached and erased with their contribution, labels carry no identifiers, imported text
gets its language, and the cross-group comparison is not split by language."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.analysis import comparison, review
from codesign.intake import importers
from codesign.methods import embedding
from codesign.people import participants
from codesign.people.participants import ConsentChoice
from codesign.safety import erasure
from codesign.store.models import Contribution, ContributionEmbedding
from codesign.workshop import components, contributions, moderation, sessions, votes

# The same proposals, in English and in Urdu.
ENGLISH_URDU = [
    (
        "We need interpreters who speak Urdu in every group session",
        "ہر گروپ سیشن میں اردو بولنے والے مترجم ہونے چاہییں",
    ),
    (
        "Train imams and faith leaders to recognise abuse",
        "اماموں اور مذہبی رہنماؤں کو بدسلوکی پہچاننے کی تربیت دی جائے",
    ),
    (
        "Help with housing for women who leave an abusive home",
        "ظلم والے گھر سے نکلنے والی عورتوں کے لیے رہائش میں مدد",
    ),
    (
        "Quick access to mental health counselling without a long waiting list",
        "لمبی انتظار کی فہرست کے بغیر ذہنی صحت کی کونسلنگ تک جلد رسائی",
    ),
]


def submit_all(url: str, session_id: int, texts: list[str], kind: str = "idea") -> list[int]:
    return [
        contributions.submit(session_id, None, t, kind=kind, actor=ADMIN, url=url).id for t in texts
    ]


def component_of(views: list[components.ComponentView]) -> dict[int, int]:
    return {m.id: view.id for view in views for m in view.members}


def stored_vectors(url: str) -> int:
    with store.reading(url) as db:
        return int(db.scalar(select(func.count()).select_from(ContributionEmbedding)) or 0)


@pytest.fixture
def bilingual(store_url: str) -> tuple[str, int, list[tuple[int, int]]]:
    """A session holding each proposal in English and in Urdu: (url, session, id pairs)."""
    info = sessions.create("south-asian-communities", "Both languages", url=store_url, actor=ADMIN)
    english = submit_all(store_url, info.id, [en for en, _ in ENGLISH_URDU])
    urdu = submit_all(store_url, info.id, [ur for _, ur in ENGLISH_URDU])
    return store_url, info.id, list(zip(english, urdu, strict=True))


def test_english_and_urdu_versions_share_a_component(
    bilingual: tuple[str, int, list[tuple[int, int]]],
) -> None:
    url, session_id, pairs = bilingual
    views = components.cluster(session_id, k=len(pairs), url=url, actor=ADMIN)
    where = component_of(views)
    assert all(where[en] == where[ur] for en, ur in pairs)
    assert len({where[en] for en, _ in pairs}) == len(pairs)
    assert all(view.languages == ["en", "ur"] for view in views)
    assert all(len(view.representatives) == 2 for view in views)


def test_reclustering_after_an_edit_reads_stored_vectors(
    bilingual: tuple[str, int, list[tuple[int, int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, session_id, pairs = bilingual
    first = components.cluster(session_id, url=url, actor=ADMIN)
    assert stored_vectors(url) == 2 * len(pairs)
    components.rename(first[0].id, "Our own name", url=url, actor=ADMIN)
    real = embedding.encode

    def only_nothing(texts, progress=None):
        assert not texts, "re-clustering encoded a stored contribution again"
        return real(texts, progress)

    monkeypatch.setattr(embedding, "encode", only_nothing)
    again = components.cluster(session_id, url=url, actor=ADMIN)
    assert sorted(component_of(again)) == sorted(component_of(first))
    assert "Our own name" in [view.label for view in again]


def test_a_corrected_text_is_encoded_afresh(
    bilingual: tuple[str, int, list[tuple[int, int]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, session_id, pairs = bilingual
    components.cluster(session_id, url=url, actor=ADMIN)
    moderation.correct(pairs[0][0], "Interpreters for Urdu speakers", url=url, actor=ADMIN)
    encoded: list[str] = []
    real = embedding.encode

    def counting(texts, progress=None):
        encoded.extend(texts)
        return real(texts, progress)

    monkeypatch.setattr(embedding, "encode", counting)
    components.cluster(session_id, url=url, actor=ADMIN)
    assert encoded == ["Interpreters for Urdu speakers"]
    assert stored_vectors(url) == 2 * len(pairs)


def test_progress_is_reported_while_encoding(
    bilingual: tuple[str, int, list[tuple[int, int]]],
) -> None:
    url, session_id, pairs = bilingual
    seen: list[tuple[int, int]] = []
    components.cluster(session_id, progress=lambda d, t: seen.append((d, t)), url=url, actor=ADMIN)
    assert seen[-1] == (2 * len(pairs), 2 * len(pairs))


def test_labels_carry_no_identifiers(store_url: str) -> None:
    info = sessions.create("south-asian-communities", "Numbers", url=store_url, actor=ADMIN)
    ids = submit_all(
        store_url,
        info.id,
        [
            "Ring 07700 900123 for an Urdu interpreter",
            "Email amina.begum@example.org for an Urdu interpreter",
            "Urdu interpreters at every session, postcode B11 1AA",
        ],
    )
    for cid in ids:  # flagged ones are clustered once reviewed; their labels are still blanked
        moderation.mark_reviewed(cid, store_url, actor=ADMIN)
    (view,) = components.cluster(info.id, k=1, url=store_url, actor=ADMIN)
    words = " ".join([view.label, *view.keywords])
    for fragment in ("07700", "900123", "amina", "example", "b11", "1aa"):
        assert fragment not in words.lower()
    assert "interpreter" in words


def test_erasing_a_participant_erases_their_vectors(store_url: str) -> None:
    info = sessions.create("south-asian-communities", "Erase", url=store_url, actor=ADMIN)
    enrolment = participants.enrol(info.group_id, ConsentChoice("t", True), url=store_url)
    pid = enrolment.participant_id
    who = Actor(Role.PARTICIPANT, frozenset({info.group_id}), participant_id=pid)
    sessions.set_phase(
        info.id, sessions.phases(info.id, store_url)[0].key, url=store_url, actor=ADMIN
    )
    mine = contributions.submit(info.id, pid, "Housing help please", actor=who, url=store_url)
    submit_all(store_url, info.id, ["Interpreters in Urdu"])
    components.cluster(info.id, url=store_url, actor=ADMIN)
    assert stored_vectors(store_url) == 2
    erasure.erase_participant(pid, store_url, actor=ADMIN)
    with store.reading(store_url) as db:
        left = db.scalars(select(ContributionEmbedding.contribution_id)).all()
    assert mine.id not in left and len(left) == 1


def test_imported_notes_get_the_language_they_are_written_in(
    store_url: str, tmp_path: Path
) -> None:
    info = sessions.create("south-asian-communities", "Paper notes", url=store_url, actor=ADMIN)
    sheet = tmp_path / "notes.csv"
    sheet.write_text(
        "text\nWeekend sessions\nگروپ میں بات کرنا مشکل ہے\n"
        "hamein apni zaban mein baat karne wala chahiye\nবাংলায় সেশন\n🙏\n",
        encoding="utf-8",
    )
    importers.import_contributions(sheet, info.code, url=store_url, actor=ADMIN)
    with store.reading(store_url) as db:
        found = db.scalars(select(Contribution.language).order_by(Contribution.id)).all()
    assert found == ["en", "ur", "hi-Latn", "bn", "und"]


def test_the_same_proposals_in_english_and_urdu_are_shared_across_groups(
    store_url: str,
) -> None:
    """Black communities write in English, South Asian communities the same in Urdu; both
    support them. The comparison must call every component shared, never "specific to"."""
    for group, texts in (
        ("black-communities", [en for en, _ in ENGLISH_URDU]),
        ("south-asian-communities", [ur for _, ur in ENGLISH_URDU]),
    ):
        info = sessions.create(group, f"{group} proposals", url=store_url, actor=ADMIN)
        ids = submit_all(store_url, info.id, texts, kind="proposal")  # proposals: on the ballot
        sessions.set_phase(
            info.id, "vote", url=store_url, actor=ADMIN
        )  # "First reactions": agree or not
        sessions.set_voting(info.id, True, url=store_url, actor=ADMIN)
        for _ in range(comparison.MIN_RESPONSES):
            enrolment = participants.enrol(info.group_id, ConsentChoice("t", True), url=store_url)
            pid = enrolment.participant_id
            voter = Actor(Role.PARTICIPANT, frozenset({info.group_id}), participant_id=pid)
            for cid in ids:
                votes.agree(info.id, pid, cid, 1, actor=voter, url=store_url)
    found = comparison.compare(review.load(url=store_url, actor=ADMIN))
    assert found and all(c.label == comparison.SHARED for c in found)
    assert all(c.component.groups == list(comparison.CODESIGN_GROUPS) for c in found)
