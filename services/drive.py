"""Drive: files kept as platform references (plus a local copy where the platform
has no file store, as in the console), with owner, group and the item they are
attached to. A file of one's own is seen by its owner; a group's file by the group's
members and by nobody else (its owner added it, or took it over, and may move or
delete it while in the group: owning it opens nothing)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.drive import DriveFile
from models.groups import GroupMember
from models.teams import User
from services.access import (
    Actor,
    ensure_group_writable,
    get_readable_group,
    get_writable_group,
    member_group_ids,
)
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate

NAME_MAX = 255
ATTACHABLE = ("event", "task", "lead", "deal", "contact", "company")
NOT_ATTACHABLE = N_(
    "Files can be attached to events, tasks, leads, deals, contacts and companies: "
    "reply to one with the file."
)


def visible_files(actor: Actor) -> Any:
    owners = [DriveFile.owner_id == actor.user_id]
    if actor.is_admin:  # the own files of someone who left the team are not lost with them
        left = select(User.id).where(User.team_id == actor.team_id, User.active.is_(False))
        owners += [DriveFile.owner_id.is_(None), DriveFile.owner_id.in_(left)]
    return (DriveFile.team_id == actor.team_id) & or_(
        DriveFile.group_id.is_(None) & or_(*owners),
        DriveFile.group_id.in_(member_group_ids(actor)),
    )


def clean_name(name: str) -> str:
    """A file name fit to keep: slashes (which a path would take apart) as look-alikes,
    spaces folded, and a long one cut at the end, its extension kept."""
    name = " ".join(name.replace("/", "∕").replace("\\", "⧵").split()) or "file"
    if len(name) <= NAME_MAX:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        return name[: NAME_MAX - 1] + "…"
    return stem[: NAME_MAX - len(ext) - 2] + "…." + ext


async def save_file(
    session: AsyncSession,
    actor: Actor,
    *,
    platform: str,
    file_id: str,
    name: str,
    size: int,
    mime: str,
    local_path: str | None = None,
    group_id: int | None = None,
) -> DriveFile:
    if group_id is not None:
        await _member_group(session, actor, group_id)
    name = clean_name(name)
    row = DriveFile(
        team_id=actor.team_id,
        owner_id=actor.user_id,
        group_id=group_id,
        platform=platform,
        file_id=file_id[:512],
        name=name,
        name_key=name.casefold(),
        size=max(0, size),
        mime=mime[:128] or "application/octet-stream",
        local_path=local_path,
    )
    session.add(row)
    await session.flush()
    return row


async def _member_group(session: AsyncSession, actor: Actor, group_id: int) -> None:
    await get_writable_group(session, actor, group_id)
    if await session.get(GroupMember, (group_id, actor.user_id)) is None:
        raise DomainError(N_("Join the group first to keep files in it."))


async def get_file(session: AsyncSession, actor: Actor, file_id: int) -> DriveFile:
    row = (
        await session.execute(
            select(DriveFile).where(DriveFile.id == file_id, visible_files(actor))
        )
    ).scalar_one_or_none()
    if row is None:
        raise not_found()
    return row


async def get_own(session: AsyncSession, actor: Actor, file_id: int) -> DriveFile:
    """A file the actor may move or delete: their own (any, for an admin), not one of
    an archived group."""
    row = await get_file(session, actor, file_id)
    if row.owner_id != actor.user_id and not actor.is_admin:
        raise DomainError(N_("Only the file's owner can do that."))
    await ensure_group_writable(session, actor, row.group_id)
    return row


async def list_files(
    session: AsyncSession,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = 8,
    search: str = "",
    group_id: int | None = None,
    mine: bool = False,
) -> Page[DriveFile]:
    query = select(DriveFile).where(visible_files(actor))
    if group_id is not None:
        await get_readable_group(session, actor, group_id)
        query = query.where(DriveFile.group_id == group_id)
    if mine:
        query = query.where(DriveFile.owner_id == actor.user_id)
    key = search.strip().casefold()
    if key:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(DriveFile.name_key.like(f"%{escaped}%", escape="\\"))
    return await paginate(
        session, query.order_by(DriveFile.created_at.desc(), DriveFile.id.desc()), page, per_page
    )


async def count_in_group(session: AsyncSession, user_id: int, group_id: int) -> int:
    """How many files the person put in the group (which stay with it when they go)."""
    query = select(func.count(DriveFile.id)).where(
        DriveFile.owner_id == user_id, DriveFile.group_id == group_id
    )
    return int(await session.scalar(query) or 0)


async def move_to_group(
    session: AsyncSession, actor: Actor, file_id: int, group_id: int | None
) -> DriveFile:
    row = await get_own(session, actor, file_id)
    if group_id is not None:
        await _member_group(session, actor, group_id)
    row.group_id = group_id
    await session.flush()
    return row


def attachable(ref: str) -> bool:
    """Whether `ref` names an item that takes files (a post, a report do not)."""
    kind, _, raw = ref.partition(":")
    return kind in ATTACHABLE and raw.isdigit() and len(raw) <= 12


async def check_item(
    session: AsyncSession, actor: Actor, ref: str, *, to_change: bool = False
) -> str:
    """The canonical ref of an item the actor sees (events, tasks, CRM records);
    `to_change`: a file is attached to it, refused while its group is archived."""
    if not attachable(ref):
        raise DomainError(NOT_ATTACHABLE)
    kind, _, raw = ref.partition(":")
    if kind == "event":
        from services import calendar

        get_event = calendar.get_event_to_change if to_change else calendar.get_event
        event = await get_event(session, actor, int(raw))
        return f"event:{event.parent_id or event.id}"
    if kind == "task":
        from services import tasks

        get_task = tasks.get_task_to_change if to_change else tasks.get_task
        await get_task(session, actor, int(raw))
    else:
        from services import crm

        await crm.get_visible(session, actor, kind, int(raw))
    return f"{kind}:{int(raw)}"


async def attach(session: AsyncSession, actor: Actor, file_id: int, ref: str) -> DriveFile:
    """Attach a file to an item the actor sees."""
    row = await get_file(session, actor, file_id)
    await ensure_group_writable(session, actor, row.group_id)
    row.attached_to = await check_item(session, actor, ref, to_change=True)
    await session.flush()
    return row


async def attached(session: AsyncSession, actor: Actor, ref: str) -> list[DriveFile]:
    """Files attached to an item that the actor may see (the item's own access is the caller's)."""
    rows = await session.execute(
        select(DriveFile)
        .where(DriveFile.team_id == actor.team_id, DriveFile.attached_to == ref)
        .order_by(DriveFile.id)
    )
    return list(rows.scalars())


async def delete_file(session: AsyncSession, actor: Actor, file_id: int) -> DriveFile:
    row = await get_own(session, actor, file_id)
    await session.delete(row)
    await session.flush()
    return row


async def get_item_file(session: AsyncSession, actor: Actor, file_id: int, ref: str) -> DriveFile:
    """A file attached to an item: whoever sees the item may take it."""
    ref = await check_item(session, actor, ref)
    row = await session.get(DriveFile, file_id)
    if row is None or row.team_id != actor.team_id or row.attached_to != ref:
        raise not_found()
    return row


async def item_files(session: AsyncSession, actor: Actor, ref: str) -> tuple[str, list[DriveFile]]:
    ref = await check_item(session, actor, ref)
    return ref, await attached(session, actor, ref)
