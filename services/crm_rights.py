"""Who may change a CRM record.

Seeing a record is the team's visibility setting (services.crm: own, department,
all). Changing it — its stage or status, amount, products, responsible, fields, its
own details, converting, merging into it, deleting it — is for its responsible
person, the people above them in the chain of supervisors, and the team's admins:
as in Bitrix24, reading and editing are separate rights, and "department" lets a
manager read a colleague's deals, not close them. A record nobody is responsible
for is anyone's to change who sees it. Comments, activities and files stay open to
everyone who sees the record: they add to it and change nothing of it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.teams import User
from services.access import Actor
from services.crm import get_visible, user_names
from services.errors import N_, DomainError

READ_ONLY = {
    "lead": N_(
        "Only the responsible person ({person}), their supervisors and admins can change "
        "lead #{id}."
    ),
    "deal": N_(
        "Only the responsible person ({person}), their supervisors and admins can change "
        "deal #{id}."
    ),
    "contact": N_(
        "Only the responsible person ({person}), their supervisors and admins can change "
        "contact #{id}."
    ),
    "company": N_(
        "Only the responsible person ({person}), their supervisors and admins can change "
        "company #{id}."
    ),
}


class ReadOnlyRecord(DomainError):
    """A record the actor sees and may not change."""


async def supervisors_of(session: AsyncSession, user_id: int) -> set[int]:
    """Everyone above the person in the chain of supervisors (no circle is allowed,
    and none would loop here)."""
    chain: set[int] = set()
    cursor = await db.get(session, User, user_id)
    while cursor is not None and cursor.supervisor_id is not None:
        if cursor.supervisor_id in chain or cursor.supervisor_id == user_id:
            break
        chain.add(cursor.supervisor_id)
        cursor = await db.get(session, User, cursor.supervisor_id)
    return chain


async def may_edit(session: AsyncSession, actor: Actor, row: Any) -> bool:
    """Whether the actor may change a record they see (see the module's note)."""
    owner_id = row.owner_id
    if actor.is_admin or owner_id is None or owner_id == actor.user_id:
        return True
    if actor.is_extranet:
        return False
    return actor.user_id in await supervisors_of(session, owner_id)


async def get_editable(session: AsyncSession, actor: Actor, entity: str, entity_id: int) -> Any:
    """One record the actor sees and may change (ids are untrusted): NotFound when it
    is not theirs to see, ReadOnlyRecord when it is only theirs to see."""
    row = await get_visible(session, actor, entity, entity_id)
    await ensure_editable(session, actor, entity, row)
    return row


async def ensure_editable(session: AsyncSession, actor: Actor, entity: str, row: Any) -> None:
    if not await may_edit(session, actor, row):
        owner = (await user_names(session, {row.owner_id})).get(row.owner_id, "—")
        raise ReadOnlyRecord(READ_ONLY[entity], person=owner, id=row.id)
