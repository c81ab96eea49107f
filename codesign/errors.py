"""The exception tree every caller can rely on.

Forms catch `CodesignError` and show its `message` to the participant; anything
else is a bug, logged server-side and shown as a generic "not saved, try again".
"""


class CodesignError(Exception):
    """Base class: a problem the person using codesign can understand and act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CodesignError):
    """A session code, participant, contribution or section that does not exist."""


class Invalid(CodesignError):
    """Input that breaks a rule: empty text, too long, an unknown kind, a bad file row."""


class Conflict(CodesignError):
    """The same submission id was sent again with different content, or a state rule was broken."""


class ConsentMissing(CodesignError):
    """Nothing is stored for a participant who has not agreed to take part."""


class AccessDenied(CodesignError):
    """The acting role may not see or change this group's data."""


class Closed(CodesignError):
    """The session or phase is closed, so the change is not accepted."""


class NotInitialised(CodesignError):
    """The database has not been created yet: `codesign init` creates it."""
