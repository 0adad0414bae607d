"""SQLAlchemy 2.0 typed ORM tables, one module per area, plus the engine factory."""

from models.base import Base
from models.dialogs import DialogState
from models.groups import Group, GroupMember
from models.menu import MenuPin
from models.outbox import InboxKey, OutboxMessage
from models.teams import Identity, Invite, Team, User

__all__ = [
    "Base",
    "DialogState",
    "Group",
    "GroupMember",
    "Identity",
    "InboxKey",
    "Invite",
    "MenuPin",
    "OutboxMessage",
    "Team",
    "User",
]
