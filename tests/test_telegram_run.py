"""`python -m bot run` with a Telegram token: the real process, polling the fake Bot API,
with the scheduler delivering notifications; its log never shows the token."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from tests.fakes.telegram_api import TOKEN, FakeTelegram, Person
from tests.telegram_harness import Chat

ROOT = Path(__file__).resolve().parent.parent


async def test_bot_run_serves_telegram_and_delivers_notifications(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PLANERKA_CONFIG": str(tmp_path / "none.toml"),
        "PLANERKA_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path}/run.sqlite3",
        "PLANERKA_TELEGRAM__TOKEN": TOKEN,
        "PLANERKA_TELEGRAM__API_BASE_URL": fake.base_url,
        "PLANERKA_SCHEDULER__DISPATCHER_INTERVAL_SECONDS": "0.2",
        "PLANERKA_LOGGING__LEVEL": "DEBUG",
        # a new team's quiet hours (22:00-08:00 in UTC) would hold the notification
        # this test waits for at night
        "PLANERKA_WORKSPACE__DEFAULT_QUIET_HOURS": "off",
    }
    log_path = tmp_path / "bot.log"
    log_file = log_path.open("wb")  # a file, not a pipe: a full pipe would stall the bot
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stdout=log_file, stderr=log_file
    )
    try:
        await fake.wait_calls("deleteWebhook", 1, within=60)  # polling begins
        assert len(fake.by_method("setMyCommands")) == 6
        boss = Chat(fake, Person(101, "Boss", "en"))
        anna = Chat(fake, Person(202, "Anna", "en"))
        out = await _say(fake, boss, "/start", 2)
        assert "you are its admin" in out[0].text
        out = await _say(fake, boss, "/invite", 1)
        code = out[0].text.split("?start=", 1)[1].split('"', 1)[0]
        await _say(fake, anna, f"/start {code}", 2)
        await _say(fake, boss, "/groups new Design closed", 1)
        before = len(anna.replies())
        await _say(fake, boss, "/groups add Design @Anna", 1)
        # the scheduler's dispatcher delivers the notification to Anna's private chat
        await fake.wait_for(lambda: len(anna.replies()) > before, within=30)
        assert "added you to the group" in anna.replies()[-1].text
        # a task card is remembered (to answer replies to it) a moment after it is
        # sent; a stop right after the card still writes it down
        card = await _say(fake, boss, "/task Check the stop tomorrow 15:00", 1)
        process.terminate()  # SIGTERM, as a service manager stops the bot
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log_file.close()
    log = log_path.read_text(errors="replace")
    assert "telegram_polling" in log
    assert "stopped" in log
    with sqlite3.connect(tmp_path / "run.sqlite3") as db:
        refs = db.execute(
            "SELECT ref FROM message_refs WHERE message_id = ?", (str(card[0].message_id),)
        ).fetchall()
    assert refs and refs[0][0].startswith("task:")
    assert TOKEN.split(":", 1)[1] not in log


async def _say(fake: FakeTelegram, chat: Chat, text: str, expect: int) -> list:
    """Like Chat.say, for a bot in another process: wait for the replies themselves."""
    from tests.fakes.telegram_api import message_update

    before = len(chat.replies())
    await fake.push(message_update(fake, chat.person, text))
    await fake.wait_for(lambda: len(chat.replies()) >= before + expect, within=30)
    return chat.replies()[before:]
