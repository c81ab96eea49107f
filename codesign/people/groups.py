"""The programme's groups: the two Co-Design Groups and the Advisory Group, plus any added."""

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def find_or_create(db: Session, name_or_slug: str) -> Group:
    existing = find(db, name_or_slug)
    if existing is not None:
        return existing
    kind = "advisory" if "advisory" in name_or_slug.lower() else "codesign"
    group = Group(slug=slugify(name_or_slug), name=name_or_slug.strip(), kind=kind)
    db.add(group)
    db.flush()
    return group
