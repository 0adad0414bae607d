"""Long polling confirms an update to Telegram only after it is handled."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram import TelegramAdapter
from handlers.events import Incoming
from tests.fakes.telegram_api import FakeTelegram, Person, message_update
from tests.telegram_harness import Chat, running


def hold_back(adapter: TelegramAdapter, text: str) -> asyncio.Event:
    """Make the command with this text wait inside the workspace until released."""
    release = asyncio.Event()
    handle = adapter.workspace.handle

    async def slow(event: Incoming) -> Any:
        if f"/{event.command} {event.args}" == text:
            await release.wait()
        return await handle(event)

    adapter.workspace.handle = slow  # type: ignore[method-assign]
    return release


async def test_the_offset_waits_for_an_update_still_running(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        adapter.poller.settle = 0.05
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        release = hold_back(adapter, "/groups new Slow")
        slow = await fake.push(message_update(fake, boss.person, "/groups new Slow"))
        quick = await fake.push(message_update(fake, boss.person, "/groups new Quick"))
        quick_other = await fake.push(message_update(fake, Person(202, "Anna", "en"), "/start"))
        await fake.wait_handled(quick_other["update_id"])
        # the quick updates were polled again and again while the slow one ran ...
        polls = len(fake.offsets)
        await fake.wait_for(lambda: len(fake.offsets) >= polls + 3)
        # ... but never confirmed past it, and none of them ran twice
        assert max(fake.offsets) <= slow["update_id"]
        assert fake.handled[quick_other["update_id"]] == 1
        assert fake.handled[slow["update_id"]] == 0

        release.set()
        await fake.wait_handled(slow["update_id"])
        await fake.wait_handled(quick["update_id"])
        await fake.wait_for(lambda: fake.offsets[-1] > quick_other["update_id"])
        assert fake.handled[quick["update_id"]] == 1
        out = await boss.say("/groups")
        assert "Groups (2)" in out[0].text


async def test_an_update_cut_off_by_a_stop_comes_again_and_runs_once(
    sqlite_url: str, fake: FakeTelegram
) -> None:
    async with running(sqlite_url, fake) as adapter:
        adapter.poller.grace = 0.1
        boss = Chat(fake, Person(101, "Boss", "en"))
        await boss.say("/start", expect=2)
        hold_back(adapter, "/groups new Sales")  # never released: the stop cuts it off
        update = await fake.push(message_update(fake, boss.person, "/groups new Sales"))
        await fake.wait_for(lambda: update["update_id"] in adapter.poller.running)
    # a restart: Telegram still has the update, since its offset was never confirmed
    assert fake.handled[update["update_id"]] == 1  # cut off (the harness counts it)
    async with running(sqlite_url, fake):
        await fake.wait_handled(update["update_id"], times=2)
        out = await boss.say("/groups")
        assert "Groups (1)" in out[0].text
        created = [c for c in boss.replies() if "created" in c.text]
        assert len(created) == 1


async def test_a_stop_confirms_what_was_handled(sqlite_url: str, fake: FakeTelegram) -> None:
    async with running(sqlite_url, fake):
        boss = Chat(fake, Person(101, "Boss", "en"))
        out = await boss.say("/start", expect=2)
        last = max(fake.handled)
    assert fake.offsets[-1] == last + 1
    assert not fake.updates  # Telegram would not send them again
    assert out
