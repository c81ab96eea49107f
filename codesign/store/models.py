"""The tables, as SQLAlchemy 2 declarative classes.

One programme has groups; a group has sessions and pseudonymous participants; sessions
collect contributions, votes and (Advisory Group) toolkit feedback and ratings. The
`Event` table is append-only and holds ids and hashes only, never free text, so that
erasing a participant never requires touching the audit trail.
"""

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC on both SQLite and PostgreSQL."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="codesign")  # codesign | advisory
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    template: Mapped[str | None] = mapped_column(String(80))
    held_on: Mapped[date | None] = mapped_column(Date)
    current_phase: Mapped[str | None] = mapped_column(String(80))
    phase_open: Mapped[bool] = mapped_column(Boolean, default=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    voting_open: Mapped[bool] = mapped_column(Boolean, default=False)
    results_revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    dot_budget: Mapped[int] = mapped_column(Integer, default=5)
    dot_cap: Mapped[int] = mapped_column(Integer, default=3)
    delete_by: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    group: Mapped[Group] = relationship()
    phases: Mapped[list["Phase"]] = relationship(
        order_by="Phase.position", cascade="all, delete-orphan"
    )


class Phase(Base):
    """One step of a session's agenda, copied from its template so later edits stay local."""

    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("session_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    prompt: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[bool] = mapped_column(Boolean, default=False)
    vote: Mapped[str | None] = mapped_column(String(10))  # agree | dots, on vote phases only


class Participant(Base):
    """A pseudonymous member of one group. `ref` is an imported source's own id.

    Someone imported from a source that numbers its own people (a Pol.is conversation)
    carries `import_source` ("polis:HKT479": the source and the session imported into),
    and (`import_source`, `ref`) is unique: voter 5 of one conversation is never merged
    with voter 5 of another.
    """

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("group_id", "pseudonym"),
        Index("ix_participants_resume_hash", "resume_hash", unique=True),
        Index("uq_participants_import", "import_source", "ref", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(80))
    ref: Mapped[str | None] = mapped_column(String(120), index=True)
    import_source: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(40))
    organisation_type: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(12), default="en")
    withdrawal_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    resume_hash: Mapped[str | None] = mapped_column(String(64))  # a form tab's token, hashed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    group: Mapped[Group] = relationship()


class Consent(Base):
    """What a participant agreed to, against which version of the consent text."""

    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    text_version: Mapped[str] = mapped_column(String(40))
    contribute: Mapped[bool] = mapped_column(Boolean)
    quote: Mapped[bool] = mapped_column(Boolean, default=False)
    contact: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20), default="form")  # form | imported
    provenance: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    phase_key: Mapped[str | None] = mapped_column(String(80))
    prompt: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="idea")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(12), default="en")
    status: Mapped[str] = mapped_column(String(20), default="visible")
    on_ballot: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contributions.id"))
    entered_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[list[Any]] = mapped_column(default=list)
    ref: Mapped[str | None] = mapped_column(String(120))
    client_id: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @hybrid_property
    def shown(self) -> bool:
        """Whether the room sees it and results, consensus and clustering count it: visible
        and not held for review (a live flag or a held imported statement). One rule, in
        Python (`c.shown`) and in SQL (`where(Contribution.shown)`); `is_shown` for rows."""
        return is_shown(self.status, self.needs_review)

    @shown.inplace.expression
    @classmethod
    def _shown_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == "visible", cls.needs_review.is_(False))


def is_shown(status: str, needs_review: bool) -> bool:
    """`Contribution.shown` for a contribution read as a row (an export's table)."""
    return status == "visible" and not needs_review


class Revision(Base):
    """An earlier text of a contribution, kept when it is edited or corrected."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    edited_by: Mapped[str] = mapped_column(String(20))  # participant | facilitator
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("session_id", "participant_id", "contribution_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # dot | agree
    value: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Component(Base):
    """A programme component: a named group of contributions, suggested or edited."""

    __tablename__ = "components"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    seed_key: Mapped[str | None] = mapped_column(String(80))
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ComponentMember(Base):
    __tablename__ = "component_members"
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)


class ContributionEmbedding(Base):
    """A contribution's sentence vector, computed once and reused by every clustering.

    Keyed by the model that made it and a hash of the exact text it was made from, so an
    edit or a new model makes it stale instead of wrong. Derived from the text, so it is
    deleted with the contribution (ON DELETE CASCADE) when someone withdraws.
    """

    __tablename__ = "contribution_embeddings"
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(80), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian


class ToolkitSection(Base):
    __tablename__ = "toolkit_sections"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class SectionVersion(Base):
    __tablename__ = "section_versions"
    __table_args__ = (UniqueConstraint("section_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("toolkit_sections.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackItem(Base):
    __tablename__ = "feedback_items"
    __table_args__ = (UniqueConstraint("session_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    section_version_id: Mapped[int] = mapped_column(ForeignKey("section_versions.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    rating: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="new")
    addressed_by_version_id: Mapped[int | None] = mapped_column(ForeignKey("section_versions.id"))
    entered_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    ref: Mapped[str | None] = mapped_column(String(120))
    client_id: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FeedbackStatusChange(Base):
    """One move in a feedback item's lifecycle; rows are only ever added."""

    __tablename__ = "feedback_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RatingRound(Base):
    """A Delphi rating round the coordinator opened on chosen sections and criteria.

    At most one round is open (`closed_at` empty) at a time; members rate only while it
    is. Its `number` is the `Rating.round` its ratings carry.
    """

    __tablename__ = "rating_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    sections: Mapped[list[Any]] = mapped_column(default=list)  # toolkit section keys
    criteria: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Rating(Base):
    """A Delphi-style rating of one section in one round: 1–5 on each criterion, 0 when
    the member said they cannot judge it, empty when the criterion was not asked or not
    answered.
    """

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("round", "participant_id", "section_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"))
    round: Mapped[int] = mapped_column(Integer)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("toolkit_sections.id"))
    relevance: Mapped[int | None] = mapped_column(Integer)
    clarity: Mapped[int | None] = mapped_column(Integer)
    actionability: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Event(Base):
    """Append-only audit trail and live feed: ids and hashes, never free text."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    digest: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """A single row locked while appending, so concurrent writers never fork the hash chain."""

    __tablename__ = "chain_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))


class Theme(Base):
    """One row of a theme table: a subordinate theme under its superordinate theme.

    `scope` is the session code, or "programme"; the team's edits replace the scope's rows.
    """

    __tablename__ = "themes"
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), index=True)
    position: Mapped[int] = mapped_column(Integer)
    superordinate: Mapped[str] = mapped_column(String(200))
    subordinate: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    issues: Mapped[list[Any]] = mapped_column(default=list)
    components: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThemeQuote(Base):
    """An illustrative quote the team chose; it goes when the contribution is erased."""

    __tablename__ = "theme_quotes"
    __table_args__ = (UniqueConstraint("theme_id", "contribution_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


def _ids_never_reused() -> None:
    """Give every table numbered by `id` SQLite's AUTOINCREMENT.

    Without it SQLite hands out the highest id again once its row is deleted, so an erased
    participant's number (and their contributions', votes' and events' numbers) would
    come back as someone else's, and a repeated `erase --participant N` would erase the
    newcomer. PostgreSQL's sequences never hand a number out twice already.
    """
    for table in Base.metadata.tables.values():
        if [c.name for c in table.primary_key.columns] == ["id"] and table.name != "chain_head":
            table.dialect_options["sqlite"]["autoincrement"] = True


_ids_never_reused()
