"""Workshop sessions: creating them from a template, finding them by join code, and the
facilitator's controls over phases, voting and results.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from codesign import store, templates
from codesign.access import Actor
from codesign.errors import Closed, Invalid, NotFound
from codesign.people import groups
from codesign.people.codes import display_join_code, new_join_code, normalise_join_code
from codesign.store import Store, events
from codesign.store.models import Event, Phase
from codesign.store.models import Session as WorkshopSession

DEFAULT_TEMPLATE = "programme-components"


@dataclass(frozen=True)
class SessionInfo:
    """What the command line and forms need to show about a session."""

    id: int
    code: str
    group: str
    group_id: int
    title: str
    template: str | None
    current_phase: str | None
    closed: bool

    @property
    def display_code(self) -> str:
        return display_join_code(self.code)

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "group": self.group, "title": self.title}


def _info(s: WorkshopSession) -> SessionInfo:
    return SessionInfo(
        s.id, s.code, s.group.slug, s.group_id, s.title, s.template, s.current_phase, s.closed
    )


def add_phases(s: WorkshopSession, template: str | None) -> None:
    """Copy a template's agenda into the session, so later template edits stay separate."""
    if template is None:
        return
    plan = templates.session_plan(template)
    for position, phase in enumerate(plan.phases):
        s.phases.append(
            Phase(
                position=position,
                key=phase.key,
                name=phase.name,
                kind=phase.kind,
                minutes=phase.minutes,
                prompt=phase.prompt,
                rating=phase.rating,
                vote=phase.vote,
            )
        )
    s.current_phase = plan.phases[0].key if plan.phases else None


def _create(
    db: Session,
    actor: Actor,
    group_name: str,
    title: str,
    template: str | None,
    held_on: date | None,
    synthetic: bool,
    new_group: bool,
) -> SessionInfo:
    if not title.strip():
        raise Invalid("A session needs a title.")
    group = groups.resolve(db, group_name, create=new_group)
    actor.require(actor.can_moderate(group.id), "create sessions for this group")
    for _ in range(20):
        code = new_join_code()
        if db.scalar(select(WorkshopSession.id).where(WorkshopSession.code == code)) is None:
            break
    s = WorkshopSession(
        group=group,
        code=code,
        title=title.strip(),
        template=template,
        held_on=held_on,
        synthetic=synthetic,
    )
    add_phases(s, template)
    db.add(s)
    db.flush()
    events.record(db, "create", "session", s.id, group_id=group.id, session_id=s.id, actor=actor)
    return _info(s)


def create(
    group: str,
    title: str,
    *,
    template: str | None = DEFAULT_TEMPLATE,
    held_on: date | None = None,
    synthetic: bool = False,
    new_group: bool = False,
    actor: Actor,
    url: str | None = None,
) -> SessionInfo:
    """Create a session with a fresh join code and the template's agenda.

    The group must exist (`groups.UnknownGroup`, with the closest name, if not) unless
    `new_group` asks for a new one.
    """
    if template is not None:
        templates.session_plan(template)  # fail before writing if the template is missing
    for _ in range(5):
        try:
            return store.write(
                lambda db: _create(
                    db, actor, group, title, template, held_on, synthetic, new_group
                ),
                url,
            )
        except IntegrityError:
            continue  # a join code collided with a concurrent creation: draw again
    raise Invalid("Could not find a free join code; try again.")


def _load(db: Session, code: str) -> WorkshopSession:
    wanted = normalise_join_code(code)
    found = db.scalar(
        select(WorkshopSession)
        .where(WorkshopSession.code == wanted)
        .options(selectinload(WorkshopSession.phases), selectinload(WorkshopSession.group))
    )
    if found is None:
        raise NotFound("We could not find a session with that code. Check it and try again.")
    return found


def by_code(code: str, url: str | None = None) -> SessionInfo:
    """Find a session by its join code, forgiving case, spaces and dashes."""
    with store.reading(url) as db:
        return _info(_load(db, code))


def open_by_code(code: str, url: str | None = None) -> SessionInfo:
    """As `by_code`, but a closed session is refused with a clear message."""
    info = by_code(code, url)
    if info.closed:
        raise Closed("This session has closed. Thank you for taking part.")
    return info


def listing(url: str | None = None, *, actor: Actor) -> list[SessionInfo]:
    """Sessions the actor may read, newest first."""
    with store.reading(url) as db:
        rows = db.scalars(
            select(WorkshopSession)
            .options(selectinload(WorkshopSession.group))
            .order_by(WorkshopSession.id.desc())
        )
        return [_info(s) for s in rows if actor.can_read(s.group_id)]


def phases(session_id: int, url: str | None = None) -> list[Phase]:
    with store.reading(url) as db:
        return list(
            db.scalars(select(Phase).where(Phase.session_id == session_id).order_by(Phase.position))
        )


def state(session_id: int, url: str | None = None) -> WorkshopSession:
    """The session row as it is now: what forms poll to follow the facilitator."""
    with store.reading(url) as db:
        s = db.get(WorkshopSession, session_id, options=[selectinload(WorkshopSession.phases)])
        if s is None:
            raise NotFound("That session no longer exists.")
        return s


def current_phase(s: WorkshopSession) -> Phase | None:
    return next((p for p in s.phases if p.key == s.current_phase), None)


SESSION_CLOSED = "This session is closed, and a closed session cannot be reopened."
NOT_A_VOTE = "This phase is not a vote: choose a vote phase and open it first."


def _changes_for(s: WorkshopSession, changes: dict[str, object]) -> dict[str, object]:
    """Check a facilitator's control against the session as it is; what would really change.

    A closed session refuses everything (closing is final, so "Open voting" afterwards must
    say so, not pretend); voting opens only in a vote phase, so the phones ask what the
    phase's prompt says; moving to a phase that is not a vote closes voting.
    """
    if s.closed:
        raise Closed(SESSION_CLOSED)
    if "current_phase" in changes:
        phase = next((p for p in s.phases if p.key == changes["current_phase"]), None)
        if phase is None:
            raise Invalid("That phase is not on this session's agenda.")
        if phase.kind != "vote":
            changes = {**changes, "voting_open": False}
    phase_key = changes.get("current_phase", s.current_phase)
    if changes.get("voting_open") is True and not any(
        p.key == phase_key and p.kind == "vote" for p in s.phases
    ):
        raise Invalid(NOT_A_VOTE)
    return {name: value for name, value in changes.items() if getattr(s, name) != value}


def _control(
    session_id: int, actor: Actor, action: str, url: str | None, **changes: object
) -> bool:
    """Apply a facilitator's control; False (and no event) when nothing would change."""

    def apply(db: Session) -> bool:
        s = db.get(WorkshopSession, session_id, options=[selectinload(WorkshopSession.phases)])
        if s is None:
            raise NotFound("That session no longer exists.")
        actor.require(actor.can_moderate(s.group_id), "run this session")
        real = _changes_for(s, changes)
        if not real:
            return False
        for name, value in real.items():
            setattr(s, name, value)
        events.record(
            db, action, "session", s.id, group_id=s.group_id, session_id=s.id, actor=actor
        )
        return True

    return bool(store.write(apply, url))


def set_phase(session_id: int, phase_key: str, url: str | None = None, *, actor: Actor) -> bool:
    """Move the session to a phase and open it for contributions (closing voting unless
    the phase is a vote); False when that phase was already the open one."""
    return _control(session_id, actor, "phase", url, current_phase=phase_key, phase_open=True)


def close_phase(session_id: int, url: str | None = None, *, actor: Actor) -> bool:
    """Close the current phase: participants can no longer edit or withdraw what they wrote."""
    return _control(session_id, actor, "close_phase", url, phase_open=False)


def set_voting(session_id: int, open_: bool, url: str | None = None, *, actor: Actor) -> bool:
    """Open or close voting; it opens only in a vote phase, which decides how people vote."""
    return _control(session_id, actor, "voting", url, voting_open=open_)


def reveal_results(session_id: int, url: str | None = None, *, actor: Actor) -> bool:
    return _control(session_id, actor, "reveal", url, results_revealed=True)


def close(session_id: int, url: str | None = None, *, actor: Actor) -> bool:
    """Close the session for good: no more contributions, votes or phase changes."""
    return _control(
        session_id, actor, "close", url, closed=True, phase_open=False, voting_open=False
    )


def present(store: Store, session_id: int, *, actor: Actor) -> None:
    """Put a session on the projector: the projector's own link (printed by `codesign
    serve`) shows whichever session a facilitator chose last, so it is set up once."""

    def apply(db: Session) -> None:
        s = db.get(WorkshopSession, session_id)
        if s is None:
            raise NotFound("That session no longer exists.")
        actor.require(actor.can_moderate(s.group_id), "show this session on the projector")
        events.record(
            db, "present", "session", s.id, group_id=s.group_id, session_id=s.id, actor=actor
        )

    store.write(apply)


def presented(store: Store) -> int | None:
    """The session a facilitator last put on the projector, if any."""
    with store.reading() as db:
        return db.scalar(
            select(Event.session_id)
            .where(Event.action == "present")
            .order_by(Event.id.desc())
            .limit(1)
        )
