"""Comments and history on CRM records: the comments people write, the history lines
changes leave (a msgid with its arguments, translated when shown), and both read back
newest first with their authors' names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.crm import CrmNote
from models.teams import User
from services.access import Actor
from services.crm import get_visible
from services.errors import N_, DomainError
from services.pagination import Page, paginate_rows

NOTE_MAX = 4000  # a CRM comment, cut beyond this

# the author shown for a note nobody in the team wrote: a lead page's visitor
NO_AUTHOR = N_("lead page")


async def add_history(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, key: str, **params: Any
) -> None:
    session.add(
        CrmNote(
            team_id=actor.team_id,
            entity=entity,
            entity_id=entity_id,
            kind="history",
            author_id=actor.user_id,
            text=key,
            params={k: str(v) for k, v in params.items()},
        )
    )
    await session.flush()


async def add_comment(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, text: str
) -> CrmNote:
    await get_visible(session, actor, entity, entity_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("A comment needs some text."))
    note = CrmNote(
        team_id=actor.team_id,
        entity=entity,
        entity_id=entity_id,
        kind="comment",
        author_id=actor.user_id,
        text=text[:NOTE_MAX],
        params={},
    )
    session.add(note)
    await session.flush()
    return note


async def notes(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, kind: str, limit: int = 5
) -> list[tuple[CrmNote, str]]:
    """The latest comments or history entries, newest first, with their authors' names."""
    await get_visible(session, actor, entity, entity_id)
    rows = await session.execute(
        select(CrmNote, User.name)
        .outerjoin(User, User.id == CrmNote.author_id)
        .where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id == entity_id,
            CrmNote.kind == kind,
        )
        .order_by(CrmNote.id.desc())
        .limit(limit)
    )
    return [(note, name or NO_AUTHOR) for note, name in rows.all()]


async def notes_page(
    session: AsyncSession, actor: Actor, entity: str, entity_id: int, *, page: int, per_page: int
) -> Page[tuple[CrmNote, str]]:
    """Comments and history of a record together, newest first, a page at a time."""
    await get_visible(session, actor, entity, entity_id)
    query = (
        select(CrmNote, User.name)
        .outerjoin(User, User.id == CrmNote.author_id)
        .where(
            CrmNote.team_id == actor.team_id,
            CrmNote.entity == entity,
            CrmNote.entity_id == entity_id,
        )
        .order_by(CrmNote.id.desc())
    )
    found = await paginate_rows(session, query, page, per_page)
    return replace(found, items=[(note, name or NO_AUTHOR) for note, name in found.items])
