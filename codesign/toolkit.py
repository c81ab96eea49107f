"""Cultural Competency Toolkit sections and their versioned text.

Every change to a section's text is a new version; old versions are never overwritten,
so each piece of advisory feedback can point at the exact text it was about.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import events, store, templates
from codesign.access import ADMIN, Actor
from codesign.errors import Invalid, NotFound
from codesign.models import SectionVersion, ToolkitSection


def seed(db: Session, actor: Actor = ADMIN) -> None:
    """Create the toolkit sections from `templates/toolkit/sections.toml` if missing."""
    for position, raw in enumerate(templates.toolkit_sections()):
        if db.scalar(select(ToolkitSection).where(ToolkitSection.key == raw["key"])) is None:
            section = ToolkitSection(key=raw["key"], title=raw["title"], position=position)
            db.add(section)
            db.flush()
            add_version(db, actor, section, raw["text"].strip())


def add_version(db: Session, actor: Actor, section: ToolkitSection, text: str) -> SectionVersion:
    """Append a new version of a section's text (inside the caller's transaction)."""
    if not text.strip():
        raise Invalid("A section's text cannot be empty.")
    latest = db.scalar(
        select(func.max(SectionVersion.number)).where(SectionVersion.section_id == section.id)
    )
    version = SectionVersion(section_id=section.id, number=(latest or 0) + 1, text=text)
    db.add(version)
    db.flush()
    events.record(db, actor, "create", "section_version", version.id, content=text)
    return version


def sections(url: str | None = None) -> list[ToolkitSection]:
    with store.reading(url) as db:
        return list(db.scalars(select(ToolkitSection).order_by(ToolkitSection.position)))


def current(db: Session, section_key: str) -> SectionVersion:
    """The newest version of a section, looked up by its key."""
    version = db.scalar(
        select(SectionVersion)
        .join(ToolkitSection, SectionVersion.section_id == ToolkitSection.id)
        .where(ToolkitSection.key == section_key)
        .order_by(SectionVersion.number.desc())
        .limit(1)
    )
    if version is None:
        raise NotFound("That toolkit section does not exist.")
    return version


def current_text(section_key: str, url: str | None = None) -> SectionVersion:
    with store.reading(url) as db:
        return current(db, section_key)
