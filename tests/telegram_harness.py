"""Run the real Telegram adapter (aiogram) against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from bot.app import App, build_app
from bot.config import TelegramSettings
from bot.telegram import TelegramAdapter
from tests.conftest import test_settings
from tests.fakes.telegram_api import TOKEN, Call, FakeTelegram, Person, message_update


def telegram_app(database_url: str, fake: FakeTelegram, **telegram: Any) -> App:
    settings = test_settings()
    settings.telegram = TelegramSettings(
        token=TOKEN,  # type: ignore[arg-type]
        api_base_url=fake.base_url,
        **telegram,
    )
    return build_app(settings, database_url=database_url)


@asynccontextmanager
async def running(
    database_url: str, fake: FakeTelegram, **telegram: Any
) -> AsyncIterator[TelegramAdapter]:
    """The adapter serving (polling unless mode="webhook") until the block ends."""
    app = telegram_app(database_url, fake, **telegram)
    adapter = TelegramAdapter(app)
    watch_updates(adapter, fake)
    task = asyncio.create_task(adapter.run())
    try:
        ready = asyncio.create_task(adapter.ready.wait())
        done, _ = await asyncio.wait({task, ready}, timeout=15, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()
        assert ready in done, "the adapter did not start"
        yield adapter
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await app.close()


def watch_updates(adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    """Tell the fake when the bot has finished with an update (replies sent)."""

    async def done(handler: Any, update: Any, data: dict[str, Any]) -> Any:
        try:
            return await handler(update, data)
        finally:
            await fake.mark_handled(update.update_id)

    adapter.dispatcher.update.outer_middleware(done)


class Chat:
    """One person talking to the bot through the fake API, in their private chat."""

    def __init__(self, fake: FakeTelegram, person: Person) -> None:
        self.fake = fake
        self.person = person

    @property
    def chat_id(self) -> int:
        return self.person.id

    def replies(self) -> list[Call]:
        return self.fake.sent(self.chat_id)

    async def say(self, text: str, *, expect: int = 1, **kwargs: Any) -> list[Call]:
        """Send a message; wait for `expect` new messages to this chat and return them."""
        before = len(self.replies())
        update = await self.fake.push(message_update(self.fake, self.person, text, **kwargs))
        await self.fake.wait_handled(update["update_id"])
        out = self.replies()[before:]
        assert len(out) >= expect, [c.text for c in out]
        return out

    async def press(self, label: str, *, expect: int = 1) -> list[Call]:
        """Press the button whose label contains `label` on the latest message showing it."""

        for call in reversed(self.fake.calls):
            if call.chat_id != str(self.chat_id) or call.method not in (
                "sendMessage",
                "editMessageText",
                "sendPhoto",
            ):
                continue
            for text, data in call.buttons:
                if label in text:
                    message_id = (
                        int(call.data["message_id"])
                        if call.method == "editMessageText"
                        else call.message_id
                    )
                    return await self._press(data, message_id, expect)
        raise AssertionError(f"no button {label!r} in the chat")

    async def _press(self, data: str, message_id: int, expect: int) -> list[Call]:
        from tests.fakes.telegram_api import callback_update

        answers = len(self.fake.by_method("answerCallbackQuery"))
        before = len(self._outputs())
        await self.fake.push(
            callback_update(
                self.fake, self.person, data, chat_id=self.chat_id, message_id=message_id
            )
        )
        await self.fake.wait_for(
            lambda: (
                len(self.fake.by_method("answerCallbackQuery")) > answers
                and len(self._outputs()) >= before + expect
            )
        )
        return self._outputs()[before:]

    def _outputs(self) -> list[Call]:
        kinds = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText")
        return [c for c in self.fake.calls if c.method in kinds and c.chat_id == str(self.chat_id)]
