"""Dialog state persistence: one active form per (platform, chat, user)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.dialogs import DialogState


async def get(
    session: AsyncSession, platform: str, chat_id: str, user_key: str
) -> DialogState | None:
    return await session.get(DialogState, (platform, chat_id, user_key))


async def save(
    session: AsyncSession,
    platform: str,
    chat_id: str,
    user_key: str,
    *,
    form: str,
    step: int,
    data: dict[str, Any],
) -> DialogState:
    state = await get(session, platform, chat_id, user_key)
    if state is None:
        state = DialogState(platform=platform, chat_id=chat_id, user_key=user_key, form=form)
        session.add(state)
    state.form = form
    state.step = step
    # a fresh dict so the JSON column sees the change
    state.data = dict(data)
    state.updated_at = utcnow()
    await session.flush()
    return state


async def clear(session: AsyncSession, platform: str, chat_id: str, user_key: str) -> bool:
    result = await session.execute(
        delete(DialogState).where(
            DialogState.platform == platform,
            DialogState.chat_id == chat_id,
            DialogState.user_key == user_key,
        )
    )
    await session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]
