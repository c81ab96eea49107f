"""Theme tables in the sector's style: superordinate theme → subordinate themes → keywords
and issues, with illustrative quotes the team chose.

The default table is built from the programme components: each becomes a subordinate
theme, placed under the superordinate theme that `templates/programme/themes.toml` names
for its candidate-component seed (unseeded components go under "Emerging themes"), with
the cross-group label as its first issue. The team edits it; `save` stores the edit for
a scope (a session code, or "programme") in the `themes` and `theme_quotes` tables.

Quotes are checked twice against the participant's *latest* consent: when chosen
(`save` refuses a quote from someone who did not agree to be quoted) and when read
(someone who later withdraws that consent drops out of every table and export). An
erased contribution takes its quote rows with it (foreign key, on delete cascade).
"""

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.analysis.comparison import compare, programme_components
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Identities, Row, Tables, may_quote
from codesign.config import TEMPLATES
from codesign.errors import ConsentMissing, NotFound
from codesign.store import events
from codesign.store.models import Contribution, Theme, ThemeQuote
from codesign.store.models import Session as WorkshopSession

PROGRAMME = "programme"
MAX_KEYWORDS = 6


@dataclass
class Subtheme:
    title: str
    keywords: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    quotes: list[int] = field(default_factory=list)


@dataclass
class Superordinate:
    title: str
    subthemes: list[Subtheme] = field(default_factory=list)


ThemeTable = list[Superordinate]


def superordinate_titles(root: Path = TEMPLATES) -> tuple[dict[str, str], str]:
    """Seed key → superordinate title, and the title for emerging components."""
    raw = tomllib.loads((root / "programme" / "themes.toml").read_text(encoding="utf-8"))
    placed = {key: theme["title"] for theme in raw["themes"] for key in theme["components"]}
    return placed, raw["emerging"]


def _unique(words: Iterable[str], limit: int = MAX_KEYWORDS) -> list[str]:
    return list(dict.fromkeys(w for w in words if w))[:limit]


def default_table(tables: Tables) -> ThemeTable:
    """Components as subordinate themes under superordinate themes from the template."""
    labels = {c.component.key: c.label for c in compare(tables)}
    placed, emerging = superordinate_titles()
    grouped: dict[str, list[Subtheme]] = {}
    for component in programme_components(tables):
        count = sum(len(ids) for ids in component.contributions.values())
        issues = [labels[component.key]] if component.key in labels else []
        sub = Subtheme(
            title=component.label,
            keywords=_unique(component.keywords),
            issues=[*issues, f"{count} contributions"],
            components=[component.key],
        )
        grouped.setdefault(placed.get(component.seed_key or "", emerging), []).append(sub)
    order = [*dict.fromkeys(placed.values()), emerging]
    return [Superordinate(title, grouped[title]) for title in order if title in grouped]


def saved(scope: str, url: str | None = None, *, actor: Actor) -> ThemeTable | None:
    """The team's table for a scope, or None when they have not saved one."""
    with store.reading(url) as db:
        return _saved(db, scope, actor)


def _saved(db: Session, scope: str, actor: Actor) -> ThemeTable | None:
    _check_scope(db, scope, actor, editing=False)
    rows = db.scalars(select(Theme).where(Theme.scope == scope).order_by(Theme.position))
    themes = list(rows)
    if not themes:
        return None
    quotes: dict[int, list[int]] = {}
    for theme_id, cid in db.execute(
        select(ThemeQuote.theme_id, ThemeQuote.contribution_id)
        .where(ThemeQuote.theme_id.in_([t.id for t in themes]))
        .order_by(ThemeQuote.position)
    ):
        quotes.setdefault(theme_id, []).append(cid)
    table: ThemeTable = []
    for t in themes:
        if not table or table[-1].title != t.superordinate:
            table.append(Superordinate(t.superordinate))
        table[-1].subthemes.append(
            Subtheme(t.subordinate, t.keywords, t.issues, t.components, quotes.get(t.id, []))
        )
    return table


def quotable(db: Session, contribution_ids: Iterable[int]) -> set[int]:
    """The contributions whose author's latest consent allows quoting them."""
    owners = dict(
        db.execute(
            select(Contribution.id, Contribution.participant_id).where(
                Contribution.id.in_(set(contribution_ids))
            )
        ).all()
    )
    allowed = may_quote(db, {pid for pid in owners.values() if pid is not None})
    return {cid for cid, pid in owners.items() if pid is not None and allowed.get(pid)}


def _check_scope(db: Session, scope: str, actor: Actor, editing: bool = True) -> None:
    """Exporters read a scope's table; only admins and analysts edit the programme's."""
    verb = "edit" if editing else "read"
    if scope == PROGRAMME:
        allowed = (
            actor.can_edit_programme_themes() if editing else actor.can_read_programme_themes()
        )
        actor.require(allowed, f"{verb} the programme's themes")
        return
    group_id = db.scalar(select(WorkshopSession.group_id).where(WorkshopSession.code == scope))
    if group_id is None:
        raise NotFound("No session has that code.")
    actor.require(actor.can_export(group_id), f"{verb} this session's themes")


def save(scope: str, table: ThemeTable, url: str | None = None, *, actor: Actor) -> None:
    """Replace the scope's theme table; every quote must come from someone who consented."""

    def apply(db: Session) -> None:
        _check_scope(db, scope, actor)
        chosen = {cid for sup in table for sub in sup.subthemes for cid in sub.quotes}
        if chosen - quotable(db, chosen):
            raise ConsentMissing("Only quote people who agreed to be quoted.")
        db.execute(delete(Theme).where(Theme.scope == scope))
        position = 0
        for sup in table:
            for sub in sup.subthemes:
                position += 1
                theme = Theme(
                    scope=scope, position=position, superordinate=sup.title,
                    subordinate=sub.title, keywords=sub.keywords, issues=sub.issues,
                    components=sub.components,
                )  # fmt: skip
                db.add(theme)
                db.flush()
                db.add_all(
                    ThemeQuote(theme_id=theme.id, contribution_id=cid, position=n)
                    for n, cid in enumerate(sub.quotes)
                )
        events.record(db, "update", "themes", None, actor=actor)

    store.write(apply, url)


def current(scope: str, tables: Tables, url: str | None = None, *, actor: Actor) -> ThemeTable:
    """The saved table for the scope, else the default built from its components."""
    with store.reading(url) as db:
        return _current(db, scope, tables, actor)


def _current(db: Session, scope: str, tables: Tables, actor: Actor) -> ThemeTable:
    return _saved(db, scope, actor) or default_table(tables)


def scope_key(scope: Scope, tables: Tables) -> str:
    """The key a theme table is stored under: the session's real code, read from the
    database because a de-identified export's tables carry only its hash."""
    if scope.session_id is None or not tables["sessions"]:
        return PROGRAMME
    with store.reading(scope.url) as db:
        code = db.scalar(select(WorkshopSession.code).where(WorkshopSession.id == scope.session_id))
    return code or PROGRAMME


def tables_for(db: Session, scope: Scope, tables: Tables, ids: Identities) -> dict[str, list[Row]]:
    """The "themes" and "quotes" tables of an export, read inside the caller's transaction;
    quotes are re-checked against consent."""
    table = _current(db, scope_key(scope, tables), tables, scope.actor)
    chosen = [cid for sup in table for sub in sup.subthemes for cid in sub.quotes]
    allowed = quotable(db, chosen) & set(ids.texts)
    themes: list[Row] = []
    quotes: list[Row] = []
    for sup in table:
        for sub in sup.subthemes:
            themes.append(_theme_row(sup, sub, ids))
            quotes.extend(_quote_row(sup, sub, cid, ids) for cid in sub.quotes if cid in allowed)
    return {"themes": themes, "quotes": quotes}


def _theme_row(sup: Superordinate, sub: Subtheme, ids: Identities) -> Row:
    return {
        "superordinate": sup.title,
        "subordinate": sub.title,
        "keywords": "; ".join(ids.free_text(word) for word in sub.keywords),
        "issues": "; ".join(ids.free_text(issue) for issue in sub.issues),
        "components": "; ".join(sub.components),
    }


def _quote_row(sup: Superordinate, sub: Subtheme, cid: int, ids: Identities) -> dict[str, Any]:
    return {
        "superordinate": sup.title,
        "subordinate": sub.title,
        "contribution": ids.contribution(cid),
        "text": ids.texts[cid],
    }
