"""Dialog state persistence: one active form per (platform, chat, user)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from models.base import utcnow
from models.dialogs import DialogState

Key = tuple[str, str, str]


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    """Any rollback, a savepoint's too, may undo a save or a clear: read again."""
    session.info.pop("dialogs", None)


def _known(session: AsyncSession) -> dict[Key, DialogState | None]:
    """Dialog states already read in this transaction, None where there is none."""
    transaction = session.sync_session.get_transaction()
    cached = session.info.get("dialogs")
    if cached is None or cached[0] is not transaction:
        cached = (transaction, {})
        session.info["dialogs"] = cached
    known: dict[Key, DialogState | None] = cached[1]
    return known


def loaded(session: AsyncSession, key: Key, state: DialogState | None) -> None:
    """Record a state read together with something else (see teams_identity.resolve_identity),
    so get() and clear() need no query of their own in this unit of work."""
    _known(session)[key] = state


async def get(
    session: AsyncSession, platform: str, chat_id: str, user_key: str
) -> DialogState | None:
    key = (platform, chat_id, user_key)
    known = _known(session)
    if key in known:
        return known[key]
    state = await session.get(DialogState, key)
    known[key] = state
    return state


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
    _known(session)[(platform, chat_id, user_key)] = state
    return state


async def others_open(session: AsyncSession, platform: str, chat_id: str, user_key: str) -> bool:
    """Whether someone else has a dialog open in this chat (a question of theirs there)."""
    found = await session.scalar(
        select(DialogState.user_key)
        .where(
            DialogState.platform == platform,
            DialogState.chat_id == chat_id,
            DialogState.user_key != user_key,
        )
        .limit(1)
    )
    return found is not None


async def clear(session: AsyncSession, platform: str, chat_id: str, user_key: str) -> bool:
    key = (platform, chat_id, user_key)
    known = _known(session)
    if key in known and known[key] is None:
        return False  # none open: nothing to delete
    known[key] = None
    result = await session.execute(
        delete(DialogState).where(
            DialogState.platform == platform,
            DialogState.chat_id == chat_id,
            DialogState.user_key == user_key,
        )
    )
    await session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def move(
    session: AsyncSession, platform: str, old_chat: str, new_chat: str, user_key: str
) -> bool:
    """Carry a person's open dialog to another chat (a channel's question asked again in
    their direct messages); one open there already gives way. Whether one was moved."""
    if old_chat == new_chat:
        return False
    await session.execute(
        delete(DialogState).where(
            DialogState.platform == platform,
            DialogState.chat_id == new_chat,
            DialogState.user_key == user_key,
        )
    )
    result = await session.execute(
        update(DialogState)
        .where(
            DialogState.platform == platform,
            DialogState.chat_id == old_chat,
            DialogState.user_key == user_key,
        )
        .values(chat_id=new_chat)
    )
    session.info.pop("dialogs", None)  # what was read of either chat is stale
    await session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]
