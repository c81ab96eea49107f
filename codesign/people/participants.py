"""Pseudonymous participants and their consent.

Nothing about a participant is stored until they agree to take part: `enrol` writes the
participant and their consent record in one transaction, and hands back a withdrawal
code shown once (only its hash is kept). Contributions imported by a facilitator are
recorded as consented outside codesign, with the importer and file as provenance.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor, Role
from codesign.errors import ConsentMissing, Invalid, NotFound
from codesign.people.codes import (
    new_pseudonym,
    new_resume_token,
    new_withdrawal_code,
    resume_hash,
    withdrawal_hash,
)
from codesign.store import Store, events
from codesign.store.models import Consent, Event, Participant

ROLES = (
    "by_and_for_organisation",
    "practitioner",
    "community_expert",
    "expert_by_experience",
    "advisory_member",
)
LANGUAGES = ("en", "ur", "bn", "pa", "gu", "hi")
ENROL_ATTEMPTS = 5
OUTSIDE = "outside-codesign"  # the consent text version of people imported from elsewhere


@dataclass(frozen=True)
class Enrolment:
    """Who a form's participant is. The withdrawal code is known only in the visit that
    enrolled them (only its hash is kept); the resume token lets their tabs carry on."""

    participant_id: int
    group_id: int
    pseudonym: str
    withdrawal_code: str
    resume_token: str = ""


@dataclass(frozen=True)
class ConsentChoice:
    """What the participant ticked, against the consent text's version."""

    text_version: str
    contribute: bool
    quote: bool = False
    contact: bool = False


def _taken(db: Session, group_id: int) -> set[str]:
    return set(db.scalars(select(Participant.pseudonym).where(Participant.group_id == group_id)))


def _check(role: str | None, language: str) -> None:
    if role is not None and role not in ROLES:
        raise Invalid(f"Unknown role {role!r}.")
    if language not in LANGUAGES:
        raise Invalid(f"Unsupported language {language!r}.")


def add(
    db: Session,
    group_id: int,
    *,
    actor: Actor,
    consent: ConsentChoice,
    pseudonym: str | None = None,
    ref: str | None = None,
    role: str | None = None,
    organisation_type: str | None = None,
    language: str = "en",
    source: str = "form",
    provenance: str | None = None,
    withdrawal_code: str | None = None,
    resume_token: str | None = None,
) -> Participant:
    """Add a participant and their consent inside the caller's transaction."""
    if not consent.contribute:
        raise ConsentMissing("Nothing is saved unless you agree to take part.")
    _check(role, language)
    p = Participant(
        group_id=group_id,
        pseudonym=pseudonym or new_pseudonym(_taken(db, group_id)),
        ref=ref,
        role=role,
        organisation_type=organisation_type,
        language=language,
        withdrawal_hash=withdrawal_hash(withdrawal_code) if withdrawal_code else None,
        resume_hash=resume_hash(resume_token) if resume_token else None,
    )
    db.add(p)
    db.flush()
    db.add(
        Consent(
            participant_id=p.id,
            text_version=consent.text_version,
            contribute=consent.contribute,
            quote=consent.quote,
            contact=consent.contact,
            source=source,
            provenance=provenance,
        )
    )
    events.record(db, "create", "participant", p.id, group_id=group_id, actor=actor)
    return p


def enrol(
    group_id: int,
    consent: ConsentChoice,
    *,
    role: str | None = None,
    language: str = "en",
    url: str | None = None,
) -> Enrolment:
    """Join a group from the participant form, after consent; returns the withdrawal code
    and the token the participant's browser tab keeps to resume."""
    code, token = new_withdrawal_code(), new_resume_token()

    def apply(db: Session) -> Participant:
        self_actor = Actor(Role.PARTICIPANT, frozenset({group_id}), name="new")
        return add(
            db,
            group_id,
            consent=consent,
            role=role,
            language=language,
            withdrawal_code=code,
            resume_token=token,
            actor=self_actor,
        )

    for attempt in range(ENROL_ATTEMPTS):
        try:
            p = store.write(apply, url)
            return Enrolment(p.id, group_id, p.pseudonym, code, token)
        except IntegrityError:
            # Two people drew the same pseudonym at the same moment (PostgreSQL does not
            # serialise writers as SQLite does): draw again.
            if attempt == ENROL_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def resume(store: Store, token: str, group_id: int) -> Enrolment:
    """The participant whose browser tab holds `token`, if they belong to `group_id`.

    A reload or a second tab then carries on as the same person (same pseudonym, their
    own contributions editable) instead of consenting again as someone new. The token
    is never shown or typed; the form keeps it in the tab's session storage, which
    "Exit this page" clears.
    """
    with store.reading() as db:
        p = db.scalar(select(Participant).where(Participant.resume_hash == resume_hash(token)))
    if p is None or p.group_id != group_id:
        raise NotFound("We could not find you in this session. Please join again.")
    return Enrolment(p.id, p.group_id, p.pseudonym, "", token)


def find_or_import(
    db: Session, group_id: int, name: str, provenance: str, *, actor: Actor
) -> Participant:
    """Match an imported row's participant by pseudonym or source id, creating them if new."""
    found = db.scalar(
        select(Participant).where(
            Participant.group_id == group_id,
            (Participant.pseudonym == name) | (Participant.ref == name),
        )
    )
    if found is not None:
        return found
    return add(
        db,
        group_id,
        consent=ConsentChoice(OUTSIDE, contribute=True),
        ref=name,
        source="imported",
        provenance=provenance,
        actor=actor,
    )


def import_key(source: str, ref: str) -> str:
    """What names an imported person across time: their source, session and own id.

    Erasing them records its hash, so a later import of the same export does not bring
    them back (`import_many`).
    """
    return f"{source}:{ref}"


@dataclass(frozen=True)
class Imported:
    """People of one import source: ref → participant id, who is new, who was erased before."""

    ids: dict[str, int]
    added: set[str]
    erased: set[str]


def import_many(
    db: Session, group_id: int, source: str, refs: Iterable[str], provenance: str
) -> Imported:
    """Find or add the people an import names, keyed by (`source`, ref), in bulk.

    New people get a pseudonym and a consent record given outside codesign, with the
    import as provenance; no event each, because the import records one event for all
    it brought in. Someone erased earlier stays erased: they are reported, not re-added.
    """
    wanted = set(refs)
    known = _by_ref(db, source)
    gone = _erased_keys(db, group_id)
    erased = {
        ref for ref in wanted - known.keys() if events.digest(import_key(source, ref)) in gone
    }
    new = sorted(wanted - known.keys() - erased)
    if new:
        taken = _taken(db, group_id)
        rows = []
        for ref in new:
            taken.add(name := new_pseudonym(taken))
            rows.append(
                {"group_id": group_id, "pseudonym": name, "ref": ref, "import_source": source}
            )
        db.execute(insert(Participant), rows)
        added = {ref: pid for ref, pid in _by_ref(db, source).items() if ref in set(new)}
        db.execute(insert(Consent), [
            {"participant_id": pid, "text_version": OUTSIDE, "contribute": True,
             "source": "imported", "provenance": provenance}
            for pid in added.values()
        ])  # fmt: skip
        known |= added
    return Imported({ref: known[ref] for ref in wanted if ref in known}, set(new), erased)


def _by_ref(db: Session, source: str) -> dict[str, int]:
    rows = db.execute(
        select(Participant.ref, Participant.id).where(Participant.import_source == source)
    )
    return {ref: pid for ref, pid in rows if ref is not None}


def _erased_keys(db: Session, group_id: int) -> set[str]:
    """Digests of the import keys of the group's erased people (see `erasure`)."""
    rows = db.scalars(
        select(Event.digest).where(
            Event.action == "erase",
            Event.target_type == "participant",
            Event.group_id == group_id,
            Event.digest.is_not(None),
        )
    )
    return {digest for digest in rows if digest is not None}


def get(participant_id: int, url: str | None = None, *, actor: Actor) -> Participant:
    with store.reading(url) as db:
        p = db.get(Participant, participant_id)
        if p is None:
            raise NotFound("No such participant.")
        actor.require(actor.can_read_subject(p.id, p.group_id), "see this participant")
        return p


def member(db: Session, participant_id: int, group_id: int | None, *, actor: Actor) -> Participant:
    """The participant a write names, checked: they exist, belong to the group the write
    is in, and the actor may act for them. A missing id is `NotFound` here rather than a
    foreign-key error at commit; another group's id is refused like a missing one, so a
    guess tells a participant nothing about who exists elsewhere."""
    p = db.get(Participant, participant_id)
    if p is None or p.group_id != group_id:
        raise NotFound("No such participant.")
    actor.require(actor.can_act_for(p.id, group_id), "act for this participant")
    return p


def by_withdrawal_code(code: str, url: str | None = None) -> Participant:
    with store.reading(url) as db:
        p = db.scalar(
            select(Participant).where(Participant.withdrawal_hash == withdrawal_hash(code))
        )
        if p is None:
            raise NotFound("That withdrawal code was not recognised. Check it and try again.")
        return p


def latest_consent(participant_id: int, url: str | None = None, *, actor: Actor) -> Consent | None:
    with store.reading(url) as db:
        p = db.get(Participant, participant_id)
        if p is None:
            raise NotFound("No such participant.")
        actor.require(actor.can_read_subject(p.id, p.group_id), "see this consent")
        return db.scalar(
            select(Consent)
            .where(Consent.participant_id == participant_id)
            .order_by(Consent.id.desc())
            .limit(1)
        )
