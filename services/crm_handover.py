"""A CRM record changing hands: the new responsible takes its open activities with it
(their reminders called off, to be queued anew for them), and a deal takes along its
contact and company when they were the previous responsible's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmActivity, CrmGrant
from models.teams import User
from services import crm_activities
from services.access import Actor, get_team_user
from services.crm import get_visible
from services.crm_notes import add_history
from services.crm_rights import get_editable
from services.errors import N_, DomainError, NotFound


@dataclass(frozen=True, slots=True)
class Handover:
    """A record given to someone: who had it, and the open activities that moved with
    it (their reminders called off, to be queued anew for the new owner)."""

    row: Any
    user: User
    previous_id: int | None
    activities: list[CrmActivity]
    along: list[tuple[str, Any]]  # a deal's contact and company that went with it


async def set_owner(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, user_id: int
) -> Handover:
    """A record changes hands with its open activities; a deal takes along its contact
    and company when they were the previous responsible's, so whoever works the deal
    can reach the client."""
    row = await get_editable(session, actor, entity, entity_id)
    user = await get_team_user(session, actor, user_id)
    if user.role == "extranet" and await session.get(CrmGrant, user.id) is None:
        raise DomainError(N_("{person} has no access to the CRM."), person=user.name)
    previous_id = row.owner_id
    moved = await _pass_on(session, actor, entity, row, user)
    along: list[tuple[str, Any]] = []
    if entity == "deal" and previous_id is not None and previous_id != user.id:
        for kind, linked_id in (("contact", row.contact_id), ("company", row.company_id)):
            try:
                linked = await get_visible(session, actor, kind, linked_id) if linked_id else None
            except NotFound:
                continue
            if linked is not None and linked.owner_id == previous_id:
                moved += await _pass_on(session, actor, kind, linked, user)
                along.append((kind, linked))
    await session.flush()
    return Handover(row, user, previous_id, moved, along)


async def _pass_on(
    session: AsyncSession, actor: Actor, entity: str, row: Any, user: User
) -> list[CrmActivity]:
    """One record to `user`, with its open activities (returned) and a history line."""
    row.owner_id = user.id
    moved = await crm_activities.hand_over(session, actor.team_id, entity, row.id, user.id)
    await add_history(session, actor, entity, row.id, N_("Responsible: {person}"), person=user.name)
    return moved
