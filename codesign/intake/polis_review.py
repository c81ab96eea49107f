"""Imported Pol.is statements that were held back: what, why, and releasing them in one step.

A statement imported from Pol.is is not a live disclosure: Pol.is's moderators saw it
before anyone voted on it. It is still held out of results when safeguarding flags it
(a statement about killing predators is pest control, but "kill" is a risk-to-life
phrase) or when Pol.is's moderators removed it, because the tool flags and people
decide. This is the facilitator's separate review for them: each held statement with
what Pol.is did with it and the generic reasons safeguarding gave (never the words it
matched), and `release`, which lets the chosen ones (or all of them) into results in one
step. Each release is one `release` event; the flags stay on record.
"""

from collections.abc import Collection
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign.access import Actor
from codesign.errors import Invalid, NotFound
from codesign.intake.polis_import import CLIENT_PREFIX, MODERATED_OUT
from codesign.store import Store, events
from codesign.store.models import Contribution, Vote
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import contributions

REMOVED_IN_POLIS = "removed by Pol.is's moderators"
SHOWN_IN_POLIS = "shown to voters in Pol.is"


@dataclass(frozen=True)
class Held:
    """One held imported statement and why it is held."""

    id: int
    ref: str | None
    text: str
    in_polis: str
    reasons: list[tuple[str, str]]  # (safeguarding category, its generic reason)
    votes: int

    def as_json(self) -> dict[str, object]:
        reasons = [{"category": c, "reason": r} for c, r in self.reasons]
        return {**asdict(self), "reasons": reasons}


def held(store: Store, session_id: int, *, actor: Actor) -> list[Held]:
    """The session's imported statements waiting for review, oldest first."""
    with store.reading() as db:
        _, waiting = _waiting(db, session_id, actor)
        return _described(db, waiting)


def release(
    store: Store, session_id: int, refs: Collection[str] | None = None, *, actor: Actor
) -> list[Held]:
    """Let held imported statements into results: those with `refs`, or all when None.

    All in one transaction, one `release` event each; a ref that names no held imported
    statement refuses the whole step, so nothing is released by mistake, saying so when
    that statement was released already.
    """

    def apply(db: Session) -> list[Held]:
        group_id, waiting = _waiting(db, session_id, actor)
        chosen = [c for c in waiting if refs is None or c.ref in refs]
        unknown = sorted(set(refs or ()) - {c.ref for c in chosen})
        if unknown:
            raise Invalid(_not_held(db, session_id, unknown[0]))
        released = _described(db, chosen)
        for c in chosen:
            c.needs_review = False
            events.record(
                db, "release", "contribution", c.id, group_id=group_id,
                session_id=session_id, actor=actor,
            )  # fmt: skip
        return released

    return store.write(apply)


def _waiting(db: Session, session_id: int, actor: Actor) -> tuple[int, list[Contribution]]:
    """The session's group, and its held imported statements once the actor may moderate it."""
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    actor.require(actor.can_moderate(s.group_id), "review imported statements")
    found = db.scalars(
        select(Contribution)
        .where(
            Contribution.session_id == session_id,
            Contribution.client_id.like(f"{CLIENT_PREFIX}%"),
            Contribution.needs_review.is_(True),
            Contribution.status == "visible",
        )
        .order_by(Contribution.id)
    )
    return s.group_id, list(found)


def _not_held(db: Session, session_id: int, ref: str) -> str:
    """Why `ref` cannot be released: released already, never held, or no such statement."""
    found = db.scalars(
        select(Contribution).where(
            Contribution.session_id == session_id,
            Contribution.client_id.like(f"{CLIENT_PREFIX}%"),
            Contribution.ref == ref,
            Contribution.shown,
        )
    ).first()
    if found is None:
        return f"No held imported statement has ref {ref}."
    if found.flags:  # the flags stay on record after a release
        return f"Imported statement {ref} was already released; it is in results."
    return f"Imported statement {ref} was never held; it is in results."


def _described(db: Session, held: list[Contribution]) -> list[Held]:
    counts = db.execute(
        select(Vote.contribution_id, func.count())
        .where(Vote.contribution_id.in_([c.id for c in held]), Vote.kind == "agree")
        .group_by(Vote.contribution_id)
    )
    votes = {cid: n for cid, n in counts}
    return [_describe(c, votes.get(c.id, 0)) for c in held]


def _describe(c: Contribution, votes: int) -> Held:
    known = {flag.category: flag.reason for flag in contributions.explain(c.text)}
    reasons = [
        (flag, known.get(flag, flag.replace("_", " "))) for flag in c.flags if flag != MODERATED_OUT
    ]
    in_polis = REMOVED_IN_POLIS if MODERATED_OUT in c.flags else SHOWN_IN_POLIS
    return Held(c.id, c.ref, c.text, in_polis, reasons, votes)
