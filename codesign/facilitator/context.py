"""Which session a notebook runs, as whom, against which database."""

import os
from dataclasses import dataclass
from urllib.parse import parse_qs

from codesign.access import ADMIN, Actor, Role
from codesign.demo import workshop as demo
from codesign.errors import NotFound
from codesign.workshop import sessions

SESSION_VAR = "CODESIGN_SESSION"
DEMO_SESSION = "bc-live"


@dataclass(frozen=True)
class Context:
    """What every panel needs: the session, the facilitator acting, and the database URL."""

    info: sessions.SessionInfo
    actor: Actor
    url: str | None = None

    @property
    def session_id(self) -> int:
        return self.info.id


def session_code(code: str | None = None, url: str | None = None) -> str:
    """The join code to run: given, else `$CODESIGN_SESSION`, else the demo's live session
    when the demo is loaded, else the newest open session."""
    chosen = code or os.environ.get(SESSION_VAR)
    if chosen:
        return chosen
    found = sessions.listing(url, actor=ADMIN)
    demo_live = demo.demo_code(DEMO_SESSION)
    if any(info.code == demo_live for info in found):
        return demo_live
    newest = next((info for info in found if not info.closed), None) or next(iter(found), None)
    if newest is None:
        raise NotFound("There are no sessions yet: create one with `codesign session new`.")
    return newest.code


def query_session(query: str) -> str | None:
    """The join code a page's link pins (`?session=HKT479`), if any."""
    return next(iter(parse_qs(query.lstrip("?")).get("session", [])), None)


def open_session(code: str | None = None, url: str | None = None) -> Context:
    """The notebook's session; whoever runs the notebook facilitates its group."""
    info = sessions.by_code(session_code(code, url), url)
    return Context(info, Actor(Role.FACILITATOR, frozenset({info.group_id}), name="notebook"), url)
