"""The same submission sent again stores one row: the rule every form's client id follows.

A phone that lost the reply sends the form again with the same client id. The answer is
the row the first send stored, never a second row; the same id with other words is a
different form reusing an id, and is refused with one message wherever it happens.
The unique index on (session, client id) backs this up when two sends race.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from codesign.errors import Conflict
from codesign.store.database import write
from codesign.store.models import Contribution, FeedbackItem

RESENT_DIFFERENT = "This form was already sent with different words. Please reload and try again."

Sent = TypeVar("Sent", Contribution, FeedbackItem)


def first_send(
    db: Session, model: type[Sent], session_id: int | None, client_id: str | None, content: str
) -> Sent | None:
    """The row this client id already stored in the session, if any (`content` is its hash)."""
    if not client_id:
        return None
    found = db.scalar(
        select(model).where(model.session_id == session_id, model.client_id == client_id)
    )
    if found is not None and found.content_hash != content:
        raise Conflict(RESENT_DIFFERENT)
    return found


def write_once(apply: Callable[[Session], Sent], client_id: str | None, url: str | None) -> Sent:
    """Write once; when a concurrent resend won the race to the unique index, read its row back."""
    try:
        return write(apply, url)
    except IntegrityError:
        if client_id is None:
            raise
        return write(apply, url)
