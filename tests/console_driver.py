"""Drive the console adapter line by line and read what it printed."""

from __future__ import annotations

import io
import re

from bot.app import App
from bot.console import Console
from handlers.views import View


def invite_code(text: str) -> str:
    """The code of the "/start CODE" an /invite answer gives."""
    match = re.search(r"/start (\S+)", text)
    assert match, text
    return match.group(1)


_BUTTON = re.compile(r"\[(\d+)\] (.+?)(?=  \[\d+\] |\n|$)")


class ConsoleDriver:
    def __init__(
        self, app: App, user: str = "Boss", lang: str = "en", timezone: str | None = None
    ) -> None:
        self.buffer = io.StringIO()
        self.console = Console(
            app.workspace, user=user, lang=lang, timezone=timezone, out=self.buffer
        )
        self.last = ""

    async def say(self, line: str) -> str:
        start = self.buffer.tell()
        await self.console.handle_line(line)
        self.buffer.seek(start)
        self.last = self.buffer.read()
        return self.last

    def buttons(self) -> dict[int, str]:
        return {int(n): label.strip() for n, label in _BUTTON.findall(self.last)}

    async def press(self, label: str) -> str:
        """Press the button of the last output whose label contains `label`."""
        for number, button_label in self.buttons().items():
            if label in button_label:
                return await self.say(str(number))
        raise AssertionError(f"no button {label!r} in:\n{self.last}")


async def bind_room(app: App, room: str, group: str, *, by: str = "boss") -> list[View]:
    """`/bind GROUP` sent by `by` (a console identity, named by its capitalised key) in
    the console group chat `room`: the room becomes the group's chat."""
    from handlers.events import ChatRef, Incoming, Sender

    return await app.workspace.handle(
        Incoming(
            chat=ChatRef(platform="console", chat_id=room, private=False),
            sender=Sender(external_id=by, name=by.capitalize()),
            kind="command",
            command="bind",
            args=group,
        )
    )
