"""Dialog state read once per unit of work, and right after a savepoint rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from services import dialogs

KEY = ("console", "chat-1", "anna")


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


class Undone(Exception):
    pass


async def test_the_known_dialog_follows_a_savepoint_rollback(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with maker() as s, s.begin():
        assert await dialogs.get(s, *KEY) is None
        with pytest.raises(Undone):
            async with s.begin_nested():
                await dialogs.save(s, *KEY, form="task", step=1, data={"title": "x"})
                raise Undone
        assert await dialogs.get(s, *KEY) is None  # the save was rolled back
        await dialogs.save(s, *KEY, form="task", step=2, data={})
    async with maker() as s, s.begin():
        with pytest.raises(Undone):
            async with s.begin_nested():
                assert await dialogs.clear(s, *KEY)
                raise Undone
        state = await dialogs.get(s, *KEY)  # the clear was rolled back: still open
        assert state is not None and state.step == 2


async def test_a_dialog_moves_to_another_chat(maker: async_sessionmaker[AsyncSession]) -> None:
    async with maker() as s, s.begin():
        await dialogs.save(s, "slack", "C0GENERAL", "U1", form="import", step=0, data={})
        await dialogs.save(s, "slack", "D0U1", "U1", form="old", step=3, data={})
        assert await dialogs.get(s, "slack", "C0GENERAL", "U1") is not None
        assert await dialogs.move(s, "slack", "C0GENERAL", "D0U1", "U1")
        assert await dialogs.get(s, "slack", "C0GENERAL", "U1") is None
        moved = await dialogs.get(s, "slack", "D0U1", "U1")
        assert moved is not None and moved.form == "import"  # the old one gave way
    async with maker() as s:
        assert await dialogs.get(s, "slack", "D0U1", "U1") is not None
        assert not await dialogs.move(s, "slack", "C0OTHER", "D0U1", "U1")
