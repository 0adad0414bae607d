"""Who acts: the person of a platform account, read on every event, and their identity's upkeep."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.db import attach, remember
from models.dialogs import DialogState
from models.hot import HotStatement
from models.teams import Identity, Team, User
from services import dialogs
from services.access import Actor
from services.errors import N_, DomainError


async def resolve_actor(session: AsyncSession, platform: str, external_id: str) -> Actor | None:
    found = await resolve_identity(session, platform, external_id)
    return found.actor if found is not None else None


# built once, run for every incoming event: Core, the person's row as columns (see
# models.db.remember), and the dialog's columns: most updates come with no dialog
# open, and loading objects costs more than the query
_USER_COLUMNS = tuple(User.__table__.c)
_USER_KEYS = tuple(User.__mapper__.get_property_by_column(c).key for c in _USER_COLUMNS)
_IDENTITY = (
    select(*_USER_COLUMNS, Identity.active, Identity.chat_id, Identity.profile_pending)
    .join(Identity, Identity.user_id == User.id)
    .where(
        Identity.platform == bindparam("platform"),
        Identity.external_id == bindparam("external_id"),
    )
)
_DIALOG_COLUMNS = tuple(DialogState.__table__.c)
_DIALOG_KEYS = tuple(c.key for c in _DIALOG_COLUMNS)
_IDENTITY_AND_DIALOG = _IDENTITY.add_columns(*_DIALOG_COLUMNS).outerjoin(
    DialogState,
    (DialogState.platform == bindparam("platform"))
    & (DialogState.chat_id == bindparam("chat_id"))
    & (DialogState.user_key == bindparam("external_id")),
)


_HOT_IDENTITY = HotStatement(_IDENTITY)
_HOT_IDENTITY_AND_DIALOG = HotStatement(_IDENTITY_AND_DIALOG)


class Found(NamedTuple):
    actor: Actor
    stale: bool  # the identity needs refreshing: switched off after a 403, or no DM known
    profile_pending: bool  # the platform could not tell who they are when they joined


async def resolve_identity(
    session: AsyncSession, platform: str, external_id: str, *, in_chat: str | None = None
) -> Found | None:
    """The acting person and what of their identity needs refreshing, in one query.

    With `in_chat`, the same query reads the person's open dialog in that chat, so
    the unit of work knows it (services.dialogs) without asking again."""
    params = {"platform": platform, "external_id": external_id}
    if in_chat is None:
        rows = await _HOT_IDENTITY.rows(session, params)
    else:
        params["chat_id"] = in_chat
        rows = await _HOT_IDENTITY_AND_DIALOG.rows(session, params)
    if not rows:
        return None
    row = rows[0]  # (platform, external_id) is unique
    width = len(_USER_KEYS)
    user = dict(zip(_USER_KEYS, row[:width], strict=True))
    if not user["active"]:
        return None
    identity_active, chat_id, pending = row[width], row[width + 1], row[width + 2]
    # later look-ups of the same person (models.db.get) make the object of this row
    remember(session, User, user)
    if in_chat is not None:
        values = dict(zip(_DIALOG_KEYS, row[width + 3 :], strict=True))
        state = attach(session, DialogState, values) if values["platform"] is not None else None
        dialogs.loaded(session, (platform, in_chat, external_id), state)
    actor = Actor(
        user_id=user["id"],
        team_id=user["team_id"],
        role=user["role"],
        name=user["name"],
        locale=user["locale"],
        timezone=user["timezone"],
    )
    return Found(actor, (not identity_active) or chat_id is None, bool(pending))


async def removed_from(session: AsyncSession, platform: str, external_id: str) -> str | None:
    """The name of the team an admin removed this account's person from, if one did."""
    return (
        await session.execute(
            select(Team.name)
            .join(User, User.team_id == Team.id)
            .join(Identity, Identity.user_id == User.id)
            .where(
                Identity.platform == platform,
                Identity.external_id == external_id,
                User.active.is_(False),
            )
            .limit(1)
        )
    ).scalar_one_or_none()


async def refuse_removed(session: AsyncSession, platform: str, external_id: str) -> None:
    """Someone an admin removed from their team cannot start over with the same account
    (their identity belongs to that team's person): they are told so."""
    team = await removed_from(session, platform, external_id)
    if team is not None:
        raise DomainError(
            N_("You are no longer in the team {team}. Ask its admin to bring you back."),
            team=team,
        )


async def profile_settled(session: AsyncSession, platform: str, external_id: str) -> None:
    """The person set their own language or zone: a late platform profile does not undo it."""
    await session.execute(
        update(Identity)
        .where(
            Identity.platform == platform,
            Identity.external_id == external_id,
            Identity.profile_pending.is_(True),
        )
        .values(profile_pending=None)
    )


async def remember_chat(
    session: AsyncSession, platform: str, external_id: str, chat_id: str
) -> None:
    """Where to write to a person met outside a private chat, on platforms that can open
    one at any time (Slack: the app's DM); a chat already known is kept."""
    await session.execute(
        update(Identity)
        .where(
            Identity.platform == platform,
            Identity.external_id == external_id,
            Identity.chat_id.is_(None),
        )
        .values(chat_id=chat_id)
    )
