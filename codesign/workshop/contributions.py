"""Contributions: what participants write, stored exactly as written, with its language.

The participant form calls `submit` with a client submission id, so a double click or a
resent form stores one row, and the same id with different content is refused rather
than overwritten.

`clean` is the one rule for text at intake, used by the forms, the CSV imports
(contributions and advisory feedback), moderation edits and Pol.is imports: the text is
put in Unicode NFC form; a pasted line break of another kind (\r\n, vertical tab, form
feed, U+2028 …) becomes "\n"; every other C0 or C1 control character is dropped (tab
and newline are kept); a bidirectional embedding, override or isolate (U+202A–202E,
U+2066–2069, which can make text display in another order than it was written) is
refused with a message the participant can act on; and the text must not be empty or
over 2,000 characters. Beyond that, text is stored as written and escaped wherever it
is shown. A contribution that may disclose risk or identifying details is
marked `needs_review` and kept off shared views until a facilitator has looked at it.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Closed, ConsentMissing, Invalid, NotFound
from codesign.people.participants import LANGUAGES
from codesign.safety import erasure, safeguarding
from codesign.store import events, resend
from codesign.store.models import Consent, Contribution, Participant, Revision
from codesign.store.models import Session as WorkshopSession

KINDS = ("idea", "proposal", "concern", "question")
BALLOT_KINDS = frozenset({"proposal"})
"""Kinds that go on the ballot when written; the facilitator puts any others there."""
STATUSES = ("visible", "hidden", "merged")
MAX_CHARS = 2000

EMPTY = "Please write something before sending, or choose Pass."
TOO_LONG = "That is longer than 2,000 characters. Please shorten it and send again."
HIDDEN_DIRECTION = (
    "The text contains a hidden character that changes the direction of writing. "
    "Please type it again rather than pasting it."
)

_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean(text: str, limit: int | None = MAX_CHARS) -> str:
    """The text to store from what someone typed, pasted or imported (the module's rule),
    or `Invalid` with a message for the person who wrote it. `limit=None` is for the
    toolkit's own sections, which are documents, not notes."""
    normal = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text)))
    stripped = normal.strip()
    if not stripped:
        raise Invalid(EMPTY)
    if limit is not None and len(stripped) > limit:
        raise Invalid(TOO_LONG)
    if _DIRECTION_CONTROLS.search(stripped):
        raise Invalid(HIDDEN_DIRECTION)
    if not _encodable(stripped):
        raise Invalid("The text contains a character that cannot be saved.")
    return stripped


def _encodable(text: str) -> bool:
    """False for lone surrogates (a broken paste), which neither database can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _rules() -> "safeguarding.Rules":
    return safeguarding.load_rules()


def screen(text: str) -> list[str]:
    """Categories of concern for the facilitator (never the matched words themselves)."""
    return sorted({flag.category for flag in explain(text)})


def explain(text: str) -> list[safeguarding.Flag]:
    """Why `screen` flags a text: each category with its generic reason, quoting nothing."""
    return safeguarding.check(text, _rules())


def _consenting(db: Session, participant_ids: set[int]) -> set[int]:
    """Those whose latest consent record says they agreed to contribute."""
    latest: dict[int, bool] = {}
    for pid, agreed in db.execute(
        select(Consent.participant_id, Consent.contribute)
        .where(Consent.participant_id.in_(participant_ids))
        .order_by(Consent.id)
    ):
        latest[pid] = agreed
    return {pid for pid, agreed in latest.items() if agreed}


def _session_for_write(db: Session, session_id: int, actor: Actor) -> WorkshopSession:
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    actor.require(actor.can_contribute(s.group_id), "add to this session")
    if s.closed:
        raise Closed("This session has closed. Thank you for taking part.")
    if not (actor.enters_on_behalf() or s.phase_open):
        raise Closed("The facilitator has closed this part of the session.")
    return s


@dataclass(frozen=True)
class Draft:
    """A contribution about to be stored; importers and the demo fill in more than forms do."""

    session_id: int
    participant_id: int | None
    text: str
    kind: str = "idea"
    language: str = "en"
    client_id: str | None = None
    ref: str | None = None
    created_at: datetime | None = None
    phase_key: str | None = None
    on_behalf: bool | None = None
    flags: tuple[str, ...] = ()  # concerns the source already raised (Pol.is moderated it out)


def add(db: Session, draft: Draft, *, actor: Actor) -> Contribution:
    """Store a checked draft inside the caller's transaction and log it."""
    s = _session_for_write(db, draft.session_id, actor)
    _check_authors(db, s, {draft.participant_id})
    content = events.digest(draft.text, draft.kind, draft.language)
    if found := resend.first_send(db, Contribution, s.id, draft.client_id, content):
        return found
    c = _row(s, actor, draft)
    db.add(c)
    db.flush()
    events.record(
        db, "create", "contribution", c.id, group_id=s.group_id, session_id=s.id,
        content=draft.text, actor=actor,
    )  # fmt: skip
    return c


def add_many(db: Session, drafts: list[Draft], *, actor: Actor) -> list[Contribution]:
    """Store new drafts of one session in bulk inside the caller's transaction.

    Checked and screened as `add` does, but with no event each: the caller (an import)
    records one event for everything it brings in. Drafts whose `client_id` is already
    stored are the caller's to leave out; the database refuses them.
    """
    if not drafts:
        return []
    s = _session_for_write(db, drafts[0].session_id, actor)
    if any(d.session_id != s.id for d in drafts):
        raise Invalid("One batch of contributions goes into one session.")
    _check_authors(db, s, {d.participant_id for d in drafts})
    rows = [_row(s, actor, d) for d in drafts]
    db.add_all(rows)
    db.flush()
    return rows


def _check_authors(db: Session, s: WorkshopSession, participant_ids: set[int | None]) -> None:
    """Every author belongs to the session's group and has agreed to contribute."""
    ids = {pid for pid in participant_ids if pid is not None}
    if not ids:
        return
    query = select(Participant.id, Participant.group_id).where(Participant.id.in_(ids))
    groups = {pid: group_id for pid, group_id in db.execute(query)}
    if any(groups.get(pid) != s.group_id for pid in ids):
        raise NotFound("That participant is not part of this session's group.")
    if _consenting(db, ids) != ids:
        raise ConsentMissing("Nothing is saved unless you agree to take part.")


def _row(s: WorkshopSession, actor: Actor, draft: Draft) -> Contribution:
    """The row for a draft: screened, placed in the current phase, not yet added."""
    flags = sorted({*screen(draft.text), *draft.flags})
    phase_key = draft.phase_key or s.current_phase
    phase = next((p for p in s.phases if p.key == phase_key), None)
    c = Contribution(
        session_id=s.id,
        participant_id=draft.participant_id,
        phase_key=phase_key,
        prompt=phase.prompt if phase else "",
        kind=draft.kind,
        text=draft.text,
        language=draft.language,
        on_ballot=draft.kind in BALLOT_KINDS,
        entered_by_facilitator=actor.enters_on_behalf()
        if draft.on_behalf is None
        else draft.on_behalf,
        needs_review=bool(flags),
        flags=flags,
        ref=draft.ref,
        client_id=draft.client_id,
        content_hash=events.digest(draft.text, draft.kind, draft.language),
    )
    if draft.created_at is not None:
        c.created_at = draft.created_at
    return c


def check(text: str, kind: str, language: str) -> str:
    """Validate a form's fields, returning the text to store."""
    body = clean(text)
    if kind not in KINDS:
        raise Invalid("Please choose idea, proposal, concern or question.")
    if language not in LANGUAGES:
        raise Invalid("That language is not supported.")
    return body


def submit(
    session_id: int,
    participant_id: int | None,
    text: str,
    *,
    kind: str = "idea",
    language: str = "en",
    client_id: str | None = None,
    actor: Actor,
    url: str | None = None,
) -> Contribution:
    """Store one contribution (idempotent per `client_id`), as the actor given."""
    body = check(text, kind, language)
    draft = Draft(session_id, participant_id, body, kind, language, client_id)

    def apply(db: Session) -> Contribution:
        return add(db, draft, actor=actor)

    return resend.write_once(apply, client_id, url)


def _own(db: Session, contribution_id: int, actor: Actor) -> tuple[Contribution, WorkshopSession]:
    c = db.get(Contribution, contribution_id)
    if c is None or c.participant_id != actor.participant_id:
        raise NotFound("That contribution is no longer there.")
    s = _session_for_write(db, c.session_id, actor)
    if c.phase_key != s.current_phase or not s.phase_open:
        raise Closed("The facilitator has closed this part of the session.")
    return c, s


def edit_own(contribution_id: int, text: str, url: str | None = None, *, actor: Actor) -> None:
    """A participant rewrites their own words while the phase is open; the earlier text is kept."""
    body = clean(text)

    def apply(db: Session) -> None:
        c, s = _own(db, contribution_id, actor)
        if c.text == body:
            return
        db.add(Revision(contribution_id=c.id, text=c.text, edited_by="participant"))
        c.text = body
        c.content_hash = events.digest(body, c.kind, c.language)
        c.flags = screen(body)
        c.needs_review = bool(c.flags)
        c.updated_at = datetime.now().astimezone()
        events.record(
            db, "update", "contribution", c.id, group_id=s.group_id, session_id=s.id,
            content=body, actor=actor,
        )  # fmt: skip

    store.write(apply, url)


def withdraw_own(contribution_id: int, url: str | None = None, *, actor: Actor) -> None:
    """A participant takes back one contribution: it and its history are deleted, not hidden.

    It goes the way an erasure's contributions go (`erasure.remove_contributions`: its
    earlier revisions, votes on it, its places in components, items merged into it), and
    the file is compacted afterwards, so its words are not left in SQLite's write-ahead log.
    """

    def apply(db: Session) -> None:
        _c, s = _own(db, contribution_id, actor)
        erasure.remove_contributions(db, {contribution_id}, Counter())
        events.record(
            db, "delete", "contribution", contribution_id, group_id=s.group_id,
            session_id=s.id, actor=actor,
        )  # fmt: skip

    store.write(apply, url)
    erasure.compact(url)


def own(
    session_id: int, participant_id: int, url: str | None = None, *, actor: Actor
) -> list[Contribution]:
    """A participant's own contributions to a session, oldest first."""
    with store.reading(url) as db:
        s = db.get(WorkshopSession, session_id)
        if s is None:
            raise NotFound("That session no longer exists.")
        actor.require(actor.can_read_subject(participant_id, s.group_id), "see these contributions")
        return list(
            db.scalars(
                select(Contribution)
                .where(
                    Contribution.session_id == session_id,
                    Contribution.participant_id == participant_id,
                )
                .order_by(Contribution.id)
            )
        )


def for_session(
    session_id: int,
    *,
    actor: Actor,
    shared: bool = False,
    statuses: Sequence[str] = ("visible",),
    url: str | None = None,
) -> list[Contribution]:
    """A session's contributions for a facilitator; `shared=True` leaves out unreviewed flags."""
    with store.reading(url) as db:
        s = db.get(WorkshopSession, session_id)
        if s is None:
            raise NotFound("That session no longer exists.")
        actor.require(actor.can_read(s.group_id), "read this session")
        query = (
            select(Contribution)
            .where(Contribution.session_id == session_id, Contribution.status.in_(statuses))
            .order_by(Contribution.id)
        )
        if shared:
            query = query.where(Contribution.needs_review.is_(False))
        return list(db.scalars(query))
