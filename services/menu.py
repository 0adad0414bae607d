"""Each person's menu: which sections are pinned, in which order."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.menu import MenuPin
from services.access import Actor
from services.errors import N_, DomainError

# every section of the workspace, in the default order
SECTIONS: tuple[str, ...] = (
    "feed",
    "tasks",
    "plan",
    "time",
    "calendar",
    "crm",
    "groups",
    "drive",
    "inbox",
)
DEFAULT_PINS: tuple[str, ...] = ("tasks", "plan", "time", "calendar", "groups", "inbox")


async def pin_defaults(session: AsyncSession, user_id: int) -> None:
    for position, section in enumerate(DEFAULT_PINS):
        session.add(MenuPin(user_id=user_id, section=section, position=position))
    await session.flush()


async def pinned(session: AsyncSession, actor: Actor) -> list[str]:
    rows = await session.execute(
        select(MenuPin.section).where(MenuPin.user_id == actor.user_id).order_by(MenuPin.position)
    )
    return [section for section in rows.scalars() if section in SECTIONS]


async def toggle(
    session: AsyncSession, actor: Actor, section: str, pinned: bool | None = None
) -> bool:
    """Pin or unpin a section (`pinned`: the state wanted; None flips it); returns True
    when it is pinned afterwards."""
    if section not in SECTIONS:
        raise DomainError(N_("There is no such menu section."))
    existing = await session.get(MenuPin, (actor.user_id, section))
    if pinned is None:
        pinned = existing is None
    if existing is not None and pinned:
        return True
    if existing is None and not pinned:
        return False
    if existing is not None:
        await session.execute(
            delete(MenuPin).where(MenuPin.user_id == actor.user_id, MenuPin.section == section)
        )
        await session.flush()
        return False
    last = await session.scalar(
        select(func.max(MenuPin.position)).where(MenuPin.user_id == actor.user_id)
    )
    session.add(MenuPin(user_id=actor.user_id, section=section, position=(last or 0) + 1))
    await session.flush()
    return True
