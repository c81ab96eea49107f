"""Theme tables: the default from components, saved edits, and quotes only with consent."""

import pytest
from sqlalchemy import delete, select

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.analysis import review, themes
from codesign.demo import workshop as demo
from codesign.errors import AccessDenied, ConsentMissing
from codesign.store.models import Consent, Contribution, Participant
from codesign.workshop import sessions


def _by_consent(url: str, quote: bool) -> int:
    """A contribution whose author's consent to be quoted is `quote`."""
    with store.reading(url) as db:
        rows = db.execute(
            select(Contribution.id, Consent.quote)
            .join(Participant, Contribution.participant_id == Participant.id)
            .join(Consent, Consent.participant_id == Participant.id)
            .order_by(Contribution.id)
        ).all()
    return next(cid for cid, allowed in rows if allowed is quote)


def _table_with(quotes: list[int]) -> themes.ThemeTable:
    sub = themes.Subtheme("Trust", ["police", "fear"], ["shared"], ["trust-and-access"], quotes)
    return [themes.Superordinate("Racism, migration and trust in services", [sub])]


def test_default_table_groups_components_under_superordinate_themes(demo_sqlite: str) -> None:
    table = themes.default_table(review.load(url=demo_sqlite, actor=ADMIN))
    titles = [sup.title for sup in table]
    assert titles[0] == "Delivering the programme"
    trust = next(s for s in table if s.title.startswith("Racism"))
    assert "Trust in services and how people get in" in [sub.title for sub in trust.subthemes]
    assert all(sub.keywords for sup in table for sub in sup.subthemes)


def test_reading_and_editing_themes_is_checked(demo_sqlite: str) -> None:
    code = demo.demo_code("bc-2")
    black = sessions.by_code(code, demo_sqlite).group_id
    other = Actor(Role.FACILITATOR, frozenset({black + 1}))
    with pytest.raises(AccessDenied):
        themes.saved(code, demo_sqlite, actor=other)
    with pytest.raises(AccessDenied):
        themes.save(
            themes.PROGRAMME,
            _table_with([]),
            demo_sqlite,
            actor=Actor(Role.FACILITATOR, frozenset({black})),
        )
    assert themes.saved(code, demo_sqlite, actor=Actor(Role.ANALYST, frozenset({black}))) is None


def test_saved_edits_replace_the_default(store_url: str) -> None:
    assert themes.saved(themes.PROGRAMME, url=store_url, actor=ADMIN) is None
    themes.save(themes.PROGRAMME, _table_with([]), url=store_url, actor=ADMIN)
    themes.save(
        themes.PROGRAMME, _table_with([]), url=store_url, actor=ADMIN
    )  # saving again replaces
    (sup,) = themes.saved(themes.PROGRAMME, url=store_url, actor=ADMIN) or []
    assert sup.subthemes[0].keywords == ["police", "fear"]


def test_quotes_only_from_people_who_agreed(demo_sqlite: str) -> None:
    with pytest.raises(ConsentMissing):
        themes.save(
            themes.PROGRAMME,
            _table_with([_by_consent(demo_sqlite, False)]),
            url=demo_sqlite,
            actor=ADMIN,
        )
    allowed = _by_consent(demo_sqlite, True)
    themes.save(themes.PROGRAMME, _table_with([allowed]), url=demo_sqlite, actor=ADMIN)
    quotes = review.load(url=demo_sqlite, actor=ADMIN)["quotes"]
    assert [q["contribution"] for q in quotes] == [allowed]


def test_a_later_refusal_removes_the_quote(demo_sqlite: str) -> None:
    allowed = _by_consent(demo_sqlite, True)
    themes.save(themes.PROGRAMME, _table_with([allowed]), url=demo_sqlite, actor=ADMIN)

    def refuse(db):
        pid = db.get(Contribution, allowed).participant_id
        db.add(Consent(participant_id=pid, text_version="v2", contribute=True, quote=False))

    store.write(refuse, demo_sqlite)
    assert review.load(url=demo_sqlite, actor=ADMIN)["quotes"] == []


def test_an_erased_contribution_takes_its_quote_with_it(demo_sqlite: str) -> None:
    allowed = _by_consent(demo_sqlite, True)
    themes.save(themes.PROGRAMME, _table_with([allowed]), url=demo_sqlite, actor=ADMIN)
    store.write(
        lambda db: db.execute(delete(Contribution).where(Contribution.id == allowed)), demo_sqlite
    )
    (sup,) = themes.saved(themes.PROGRAMME, url=demo_sqlite, actor=ADMIN) or []
    assert sup.subthemes[0].quotes == []
