"""The programme's groups: the two Co-Design Groups and the Advisory Group, plus any added."""

import difflib
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign.errors import NotFound
from codesign.store.models import Group

SEEDED = (
    ("black-communities", "Black communities Co-Design Group", "codesign"),
    ("south-asian-communities", "South Asian communities Co-Design Group", "codesign"),
    ("advisory", "Advisory Group", "advisory"),
)


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "group"


def seed(db: Session) -> None:
    """Create the three standing groups if they are missing (safe to repeat)."""
    for slug, name, kind in SEEDED:
        if db.scalar(select(Group).where(Group.slug == slug)) is None:
            db.add(Group(slug=slug, name=name, kind=kind))
    db.flush()


def find(db: Session, name_or_slug: str) -> Group | None:
    """Match a group by slug or by name, ignoring case and surrounding spaces."""
    wanted = name_or_slug.strip()
    return db.scalar(
        select(Group).where(
            (Group.slug == slugify(wanted)) | (func.lower(Group.name) == wanted.lower())
        )
    )


class UnknownGroup(NotFound):
    """No group by that name; `suggestion` is the closest existing slug, if any is close."""

    def __init__(self, name: str, suggestion: str | None) -> None:
        hint = f" Did you mean {suggestion!r}?" if suggestion else ""
        super().__init__(f"There is no group {name.strip()!r}.{hint}")
        self.suggestion = suggestion


def closest(db: Session, name_or_slug: str) -> str | None:
    """The existing group slug a typo most likely meant (by slug or by name), or None."""
    known = {g.slug: g.slug for g in db.scalars(select(Group))}
    known |= {name.lower(): slug for slug, name in db.execute(select(Group.slug, Group.name))}
    wanted = name_or_slug.strip().lower()
    match = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    match = match or difflib.get_close_matches(slugify(wanted), known, n=1, cutoff=0.6)
    return known[match[0]] if match else None


def resolve(db: Session, name_or_slug: str, *, create: bool) -> Group:
    """The group named, creating it only when asked: a mistyped name must not quietly
    start a new group cut off from the real one's people and sessions."""
    existing = find(db, name_or_slug)
    if existing is not None:
        return existing
    if not create:
        raise UnknownGroup(name_or_slug, closest(db, name_or_slug))
    return _create(db, name_or_slug)


def _create(db: Session, name_or_slug: str) -> Group:
    kind = "advisory" if "advisory" in name_or_slug.lower() else "codesign"
    group = Group(slug=slugify(name_or_slug), name=name_or_slug.strip(), kind=kind)
    db.add(group)
    db.flush()
    return group
