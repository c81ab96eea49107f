"""Cultural Competency Toolkit sections and their versioned text.

Every change to a section's text is a new version; old versions are never overwritten,
so each piece of advisory feedback can point at the exact text it was about. Sections
start from `templates/toolkit/sections.toml` and the Advisory Group may rename them or
add more. A version is marked final only when no feedback against it is still open.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import store, templates
from codesign.access import Actor
from codesign.errors import Conflict, Invalid, NotFound
from codesign.people import groups
from codesign.store import events
from codesign.store.models import FeedbackItem, SectionVersion, ToolkitSection

OPEN_STATUSES = ("new", "under_review")


def seed(db: Session, *, actor: Actor) -> None:
    """Create the toolkit sections from `templates/toolkit/sections.toml` if missing."""
    for raw in templates.toolkit_sections():
        if db.scalar(select(ToolkitSection).where(ToolkitSection.key == raw["key"])) is None:
            add_section(db, raw["title"], raw["text"].strip(), key=raw["key"], actor=actor)


def owner_group(db: Session) -> int | None:
    """The group that decides on the toolkit (the Advisory Group), once groups are seeded."""
    found = groups.find(db, "advisory")
    return found.id if found else None


def _require_editor(db: Session, actor: Actor) -> None:
    actor.require(actor.can_decide_feedback(owner_group(db)), "edit the toolkit")


def add_section(
    db: Session, title: str, text: str, key: str | None = None, *, actor: Actor
) -> ToolkitSection:
    """Add a section at the end of the toolkit, with its first version."""
    _require_editor(db, actor)
    if not title.strip():
        raise Invalid("A section's title cannot be empty.")
    key = key or groups.slugify(title)[:80]
    if db.scalar(select(ToolkitSection.id).where(ToolkitSection.key == key)) is not None:
        raise Conflict(f"A section with the key {key!r} already exists.")
    last = db.scalar(select(func.max(ToolkitSection.position)))
    section = ToolkitSection(key=key, title=title.strip(), position=(last or 0) + 1)
    db.add(section)
    db.flush()
    events.record(db, "create", "toolkit_section", section.id, content=title, actor=actor)
    add_version(db, section, text, actor=actor)
    return section


def rename(db: Session, key: str, title: str, *, actor: Actor) -> ToolkitSection:
    """Change a section's title; its key, and every link to it, stay as they were."""
    if not title.strip():
        raise Invalid("A section's title cannot be empty.")
    _require_editor(db, actor)
    section = section_by_key(db, key)
    section.title = title.strip()
    events.record(db, "update", "toolkit_section", section.id, content=title, actor=actor)
    return section


def add_version(db: Session, section: ToolkitSection, text: str, *, actor: Actor) -> SectionVersion:
    """Append a new version of a section's text (inside the caller's transaction)."""
    _require_editor(db, actor)
    if not text.strip():
        raise Invalid("A section's text cannot be empty.")
    latest = db.scalar(
        select(func.max(SectionVersion.number)).where(SectionVersion.section_id == section.id)
    )
    version = SectionVersion(section_id=section.id, number=(latest or 0) + 1, text=text)
    db.add(version)
    db.flush()
    events.record(db, "create", "section_version", version.id, content=text, actor=actor)
    return version


def section_by_key(db: Session, key: str) -> ToolkitSection:
    found = db.scalar(select(ToolkitSection).where(ToolkitSection.key == key))
    if found is None:
        raise NotFound(f"There is no toolkit section {key!r}.")
    return found


def version(db: Session, key: str, number: int) -> SectionVersion:
    """One numbered version of a section."""
    found = db.scalar(
        select(SectionVersion).where(
            SectionVersion.section_id == section_by_key(db, key).id,
            SectionVersion.number == number,
        )
    )
    if found is None:
        raise NotFound(f"Section {key!r} has no version {number}.")
    return found


def versions(db: Session, key: str) -> list[SectionVersion]:
    """Every version of a section, oldest first."""
    section = section_by_key(db, key)
    query = select(SectionVersion).where(SectionVersion.section_id == section.id)
    return list(db.scalars(query.order_by(SectionVersion.number)))


def mark_final(db: Session, key: str, number: int, *, actor: Actor) -> SectionVersion:
    """Mark a version final; refused while feedback against it is still new or under review."""
    _require_editor(db, actor)
    found = version(db, key, number)
    still_open = db.scalar(
        select(func.count(FeedbackItem.id)).where(
            FeedbackItem.section_version_id == found.id,
            FeedbackItem.status.in_(OPEN_STATUSES),
        )
    )
    if still_open:
        raise Conflict(
            f"Version {number} of {key!r} still has {still_open} open feedback item(s); "
            "decide them before marking it final."
        )
    found.final = True
    events.record(db, "finalise", "section_version", found.id, actor=actor)
    return found


def finalise(key: str, number: int, *, actor: Actor, url: str | None = None) -> SectionVersion:
    """`mark_final` in its own transaction, for the command line and the tracker."""
    return store.write(lambda db: mark_final(db, key, number, actor=actor), url)


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


def at(db: Session, section_key: str, when: datetime) -> SectionVersion:
    """The version a reader saw at `when`: the newest one created by then.

    Feedback dated before the section's first version was recorded (a meeting held
    before the toolkit was loaded) is about the first version, the earliest text there is.
    """
    newest_by_then = db.scalar(
        select(SectionVersion)
        .where(
            SectionVersion.section_id == section_by_key(db, section_key).id,
            SectionVersion.created_at <= events.as_utc(when),
        )
        .order_by(SectionVersion.number.desc())
        .limit(1)
    )
    return newest_by_then or version(db, section_key, 1)


def current_text(section_key: str, url: str | None = None) -> SectionVersion:
    with store.reading(url) as db:
        return current(db, section_key)
