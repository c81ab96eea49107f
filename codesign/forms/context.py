"""What every form step shares: the database, the language, who the participant is.

One `Context` per participant kernel. The lock serialises widget changes between
button callbacks (the kernel's shell thread) and the phase poller (its own thread).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from codesign.access import Actor, participant
from codesign.errors import ConsentMissing
from codesign.forms.i18n import Translator
from codesign.people.participants import Enrolment
from codesign.workshop.sessions import SessionInfo


@dataclass
class Context:
    url: str | None = None
    tr: Translator = field(default_factory=Translator)
    lock: threading.RLock = field(default_factory=threading.RLock)
    session: SessionInfo | None = None
    enrolment: Enrolment | None = None
    go: Callable[[str], None] = lambda _step: None
    remember: Callable[[], None] = lambda: None
    """Tell the page who this tab is now (after consent), or to forget (after withdrawal)."""

    @property
    def actor(self) -> Actor:
        """The participant acting for themselves, once they have consented."""
        if self.enrolment is None:
            raise ConsentMissing("Nothing is saved unless you agree to take part.")
        return participant(self.enrolment.participant_id, self.enrolment.group_id)

    @property
    def session_id(self) -> int:
        if self.session is None:
            raise ConsentMissing("Nothing is saved unless you agree to take part.")
        return self.session.id

    @property
    def participant_id(self) -> int:
        return self.actor.participant_id or 0
