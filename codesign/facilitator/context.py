"""Which session a notebook runs, as whom, against which database."""

import os
from dataclasses import dataclass

from codesign.access import Actor, Role
from codesign.demo import workshop as demo
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


def session_code(code: str | None = None) -> str:
    """The join code to run: given, else `$CODESIGN_SESSION`, else the demo's live session."""
    return code or os.environ.get(SESSION_VAR) or demo.demo_code(DEMO_SESSION)


def open_session(code: str | None = None, url: str | None = None) -> Context:
    """The notebook's session; whoever runs the notebook facilitates its group."""
    info = sessions.by_code(session_code(code), url)
    return Context(info, Actor(Role.FACILITATOR, frozenset({info.group_id}), name="notebook"), url)
