"""Who may do what: one place for every capability check.

Notebooks and forms never decide access themselves; package functions take an `Actor`
and call its `can_*` methods. No group assigned means no access, for every role but
admin. The command line acts as admin: whoever holds the database file or URL already
holds all of it.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from codesign.errors import AccessDenied


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    ADVISORY_LEAD = "advisory_lead"
    ANALYST = "analyst"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """The person acting, as the package sees them: a role, their groups, and an id token."""

    role: Role
    groups: frozenset[int] = field(default_factory=frozenset)
    participant_id: int | None = None
    name: str = "system"

    @property
    def token(self) -> str:
        """What the event log records: role and an id, never a person's name."""
        who = self.participant_id if self.participant_id is not None else self.name
        return f"{self.role.value}:{who}"

    def in_group(self, group_id: int | None) -> bool:
        return self.role is Role.ADMIN or (group_id is not None and group_id in self.groups)

    def can_read(self, group_id: int | None) -> bool:
        """Read a whole group's data (participants only ever read their own, elsewhere)."""
        return self.role is not Role.PARTICIPANT and self.in_group(group_id)

    def can_read_subject(self, participant_id: int, group_id: int | None) -> bool:
        """Read one participant's own records: that participant, or a reader of their group."""
        is_self = self.participant_id is not None and self.participant_id == participant_id
        return (is_self and self.in_group(group_id)) or self.can_read(group_id)

    def can_read_everything(self) -> bool:
        """The whole database at once (`codesign.tables`): every group, events and all."""
        return self.role is Role.ADMIN

    def can_contribute(self, group_id: int | None) -> bool:
        return self.role in (Role.PARTICIPANT, Role.FACILITATOR, Role.ADMIN) and self.in_group(
            group_id
        )

    def can_act_for(self, participant_id: int, group_id: int | None) -> bool:
        """Write in a participant's name: a participant only as themselves, staff for anyone
        in a group they may contribute to (a facilitator entering a paper vote)."""
        if self.role is Role.PARTICIPANT and self.participant_id != participant_id:
            return False
        return self.can_contribute(group_id)

    def can_moderate(self, group_id: int | None) -> bool:
        return self.role in (Role.FACILITATOR, Role.ADMIN) and self.in_group(group_id)

    def can_export(self, group_id: int | None) -> bool:
        return self.role in (Role.ANALYST, Role.FACILITATOR, Role.ADMIN) and self.in_group(group_id)

    def can_decide_feedback(self, group_id: int | None) -> bool:
        return self.role in (Role.ADVISORY_LEAD, Role.ADMIN) and self.in_group(group_id)

    def enters_on_behalf(self) -> bool:
        """Anyone but a participant writes for others (a facilitator typing up a card), so
        may add after a phase has closed, and what they add is marked as entered for someone."""
        return self.role is not Role.PARTICIPANT

    def can_read_programme_themes(self) -> bool:
        """The programme-wide theme table spans every group: exporters without a group scope."""
        return self.role in (Role.ADMIN, Role.ANALYST, Role.FACILITATOR)

    def can_edit_programme_themes(self) -> bool:
        return self.role in (Role.ADMIN, Role.ANALYST)

    def can_erase(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, allowed: bool, what: str) -> None:
        """Raise `AccessDenied` naming the action, never the data behind it."""
        if not allowed:
            raise AccessDenied(f"Your role ({self.role.value}) may not {what}.")


ADMIN = Actor(Role.ADMIN, name="cli")


def participant(participant_id: int, group_id: int) -> Actor:
    return Actor(Role.PARTICIPANT, frozenset({group_id}), participant_id=participant_id)
