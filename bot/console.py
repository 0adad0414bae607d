"""The local console: a chat with the workspace in the terminal.

Each input line is a message; buttons print as [n] Label and a bare number presses
one; /as NAME switches who is typing; notifications for the current person print
as they arrive. Reads a pipe too, and exits 0 at the end of input.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from bot.render import render_plain
from handlers.dispatch import Workspace
from handlers.events import ChatRef, FileRef, Incoming, Sender, parse_command_line
from handlers.views import View

PLATFORM = "console"


async def _readline(loop: asyncio.AbstractEventLoop, stream: TextIO) -> str:
    """One line of the stream, read in a daemon thread: a stop (Ctrl+C, SIGTERM) while
    the person is typing need not wait for their Enter (asyncio.run waits for the
    threads of its default executor, a daemon thread is left behind)."""
    future: asyncio.Future[str] = loop.create_future()

    def settle(line: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line or "")

    def read() -> None:
        try:
            line, error = stream.readline(), None
        except Exception as exc:  # handed to the loop, raised where the line is awaited
            line, error = None, exc
        with suppress(RuntimeError):  # the loop closed while this thread waited
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return await future


class Console:
    def __init__(
        self,
        workspace: Workspace,
        *,
        user: str,
        lang: str,
        timezone: str | None = None,
        out: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        self.workspace = workspace
        self.name = user
        self.lang = lang
        self.timezone = timezone
        self.out = out or sys.stdout
        self.files_dir = files_dir
        self.actions: list[str] = []
        self._delivering = asyncio.Lock()
        workspace.services.file_readers.setdefault(PLATFORM, self.read_file)

    @property
    def key(self) -> str:
        return self.name.casefold()

    @staticmethod
    async def read_file(file: FileRef) -> bytes:
        """Console files are local paths."""
        return await asyncio.to_thread(Path(file.file_id).read_bytes)

    def _event(self, **kwargs: object) -> Incoming:
        return Incoming(
            chat=ChatRef(platform=PLATFORM, chat_id=f"console:{self.key}", private=True),
            sender=Sender(
                external_id=self.key,
                name=self.name,
                language_code=self.lang,
                timezone=self.timezone,
            ),
            **kwargs,  # type: ignore[arg-type]
        )

    def to_event(self, line: str) -> Incoming | None:
        text = line.strip()
        if not text:
            return None
        if text.isdigit() and self.actions:
            index = int(text) - 1
            if 0 <= index < len(self.actions):
                return self._event(kind="action", action=self.actions[index])
            self.print(f"(no button {text})")
            return None
        if text.startswith("/file "):
            path = Path(text[6:].strip()).expanduser()
            size = path.stat().st_size if path.exists() else 0
            return self._event(
                kind="file", file=FileRef(file_id=str(path), name=path.name, size=size)
            )
        command = parse_command_line(text)
        if command is not None:
            name, args = command
            return self._event(kind="command", command=name, args=args)
        return self._event(kind="text", args=text)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, views: list[View]) -> None:
        actions: list[str] = []
        for view in views:
            text, view_actions = render_plain(view, numbered_from=len(actions) + 1)
            actions.extend(view_actions)
            if text:
                self.print(text)
            self._save_attachments(view)
        if actions:
            self.actions = actions
        self.print("")

    def _save_attachments(self, view: View) -> None:
        if self.files_dir is None:
            return
        for item in (view.image, view.file):
            if item is not None:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                target = self.files_dir / Path(item.name).name
                target.write_bytes(item.content)
                self.print(f"(saved {target})")

    async def handle_line(self, line: str) -> None:
        event = self.to_event(line)
        if event is None:
            return
        views = await self.workspace.handle(event)
        for view in views:
            if "console_identity" in view.meta:
                self.name = view.meta.get("console_name", self.name)
                self.actions = []
        self.show(views)
        await self.deliver()

    async def deliver(self) -> None:
        """Print what the workspace has sent to the person at the keyboard."""
        async with self._delivering:
            notes = await self.workspace.take_notifications(PLATFORM, self.key)
            self._print_notes(notes)

    def _print_notes(self, notes: list[View]) -> None:
        if notes:
            for view in notes:
                text, actions = render_plain(view, numbered_from=len(self.actions) + 1)
                self.actions.extend(actions)
                self.print("🔔 " + text.replace("\n", "\n   "))
            self.print("")

    async def run(
        self, stream: TextIO | None = None, prompt: Callable[[], str] | None = None
    ) -> None:
        stream = stream or sys.stdin
        interactive = stream.isatty()
        poller: asyncio.Task[None] | None = None
        if interactive:
            self.print("Planerka console. /help for commands, /start to begin, Ctrl-D to quit.")
            poller = asyncio.create_task(self._poll())
        try:
            await self._loop(stream, interactive)
        finally:
            if poller is not None:
                poller.cancel()
                await asyncio.gather(poller, return_exceptions=True)

    async def _poll(self, interval: float = 2.0) -> None:
        """While the person thinks, print reminders as they fall due."""
        while True:
            await asyncio.sleep(interval)
            await self.deliver()

    async def _loop(self, stream: TextIO, interactive: bool) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                self.out.write(f"{self.name}> ")
                self.out.flush()
            line = await _readline(loop, stream)
            if not line:
                break
            if not interactive:
                self.print(f"{self.name}> {line.rstrip()}")
            await self.handle_line(line)
