"""A local fake of the Telegram Bot API for end-to-end tests.

An aiohttp server on 127.0.0.1 (random port) that serves getMe, getUpdates with
offset and long-poll timeout, getFile and file downloads, and records every other
request (sendMessage, editMessageText, answerCallbackQuery, sendPhoto, ...).
It can be told to answer the next calls of a method with 429 retry_after or 403.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000
TOKEN = f"{BOT_ID}:TEST-secret-token-for-the-fake-bot-api-000"
BOT_USERNAME = "planerka_test_bot"


@dataclass
class Call:
    method: str
    data: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None

    @property
    def message_id(self) -> int:
        assert isinstance(self.result, dict), f"{self.method} returned no message"
        return int(self.result["message_id"])

    @property
    def chat_id(self) -> str:
        return str(self.data.get("chat_id", ""))

    @property
    def text(self) -> str:
        return str(self.data.get("text") or self.data.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.data.get("reply_markup") or {}
        return [
            (button["text"], button.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    after: int = 0  # calls of the method that still succeed first
    migrate_to: int | None = None  # "group chat was upgraded to a supergroup chat"


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, Failure] = {}
        self.webhook: dict[str, Any] | None = None
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.closing = False
        self.handled: Counter[int] = Counter()
        self.offsets: list[int] = []  # the offset of every getUpdates, in order
        self.redeliveries: list[dict[str, Any]] = []

    # -- lifecycle -----------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)  # its URLs carry the token
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])
        return self

    async def stop(self) -> None:
        self.closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.shutdown()
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what the test does ------------------------------------------------------------
    def fail(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        after: int = 0,
        migrate_to: int | None = None,
    ) -> None:
        self.failures[method] = Failure(status, description, retry_after, times, after, migrate_to)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (a redelivery keeps its update_id)."""
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return update

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Serve an update again though its offset was confirmed (as after a crash)."""
        async with self._changed:
            self.redeliveries.append(update)
            self._changed.notify_all()

    async def mark_handled(self, update_id: int) -> None:
        """The bot under test reports an update done (see tests.telegram_harness)."""
        async with self._changed:
            self.handled[update_id] += 1
            self._changed.notify_all()

    async def wait_handled(self, update_id: int, within: float = 15.0, times: int = 1) -> None:
        await self.wait_for(lambda: self.handled[update_id] >= times, within)

    def by_method(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | str | None = None) -> list[Call]:
        """Messages, photos and documents sent, optionally to one chat."""
        kinds = ("sendMessage", "sendPhoto", "sendDocument")
        return [
            c
            for c in self.calls
            if c.method in kinds and (chat_id is None or c.chat_id == str(chat_id))
        ]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 15.0) -> None:
        """Wait until the recorded requests satisfy `predicate` (a ceiling, not a timing)."""
        deadline = time.monotonic() + within
        async with self._changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    summary = "\n".join(f"{c.method} {c.data}" for c in self.calls[-10:])
                    raise AssertionError(f"timed out waiting; last requests:\n{summary}")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    pass

    async def wait_calls(self, method: str, count: int, within: float = 15.0) -> list[Call]:
        await self.wait_for(lambda: len(self.by_method(method)) >= count, within)
        return self.by_method(method)

    # -- the Bot API -----------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        data, files = await self._read(request)
        failure = self.failures.get(method)
        if failure is not None and failure.after > 0:
            failure.after -= 1
            failure = None
        if failure is not None and method != "getUpdates":
            failure.times -= 1
            if failure.times <= 0:
                del self.failures[method]
            await self._record(Call(method, data, files))
            return self._error(
                failure.status, failure.description, failure.retry_after, failure.migrate_to
            )
        if method == "getUpdates":
            return await self._get_updates(data)
        handler = getattr(self, f"_m_{method}", None)
        result = handler(data, files) if handler is not None else True
        await self._record(Call(method, data, files, result))
        return web.json_response({"ok": True, "result": result})

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        data: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            data = await request.json()
            return data, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                data[key] = value.filename
                continue
            text = str(value)
            if text in ("true", "false"):
                data[key] = text == "true"
                continue
            if text[:1] in "{[" or key in ("offset", "timeout", "limit", "message_id"):
                try:
                    data[key] = json.loads(text)
                    continue
                except ValueError:
                    pass
            data[key] = text
        # aiogram uploads a file as a part named by "attach://<part>" in its field
        for key, value in list(data.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                part = value.removeprefix("attach://")
                if part in files:
                    files[key] = files[part]
                    data[key] = data.get(part, part)
        return data, files

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def _error(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to: int | None = None,
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        if migrate_to is not None:
            body["parameters"] = {"migrate_to_chat_id": migrate_to}
        return web.json_response(body, status=status)

    async def _get_updates(self, data: dict[str, Any]) -> web.Response:
        offset = int(data.get("offset") or 0)
        wait = float(data.get("timeout") or 0)
        deadline = time.monotonic() + wait
        async with self._changed:
            self.offsets.append(offset)
            self._changed.notify_all()
            while True:
                # confirmed updates are forgotten, as Telegram does
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                if self.redeliveries:
                    batch, self.redeliveries = self.redeliveries, []
                    return web.json_response({"ok": True, "result": batch})
                if self.updates:
                    batch = list(self.updates)
                    return web.json_response({"ok": True, "result": batch})
                left = deadline - time.monotonic()
                if left <= 0 or self.closing:
                    return web.json_response({"ok": True, "result": []})
                try:
                    await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
                except TimeoutError:
                    pass

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        content = self.files.get(request.match_info["path"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    # -- method results -------------------------------------------------------------------
    def _message(self, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(data["chat_id"])
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Planerka"},
            **extra,
            # Telegram returns an inline keyboard with the message it sent
            **({"reply_markup": data["reply_markup"]} if data.get("reply_markup") else {}),
        }

    def _m_getMe(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Planerka",
            "username": BOT_USERNAME,
        }

    def _m_sendMessage(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return self._message(data, text=data.get("text", ""))

    def _m_sendPhoto(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        photo = {"file_id": "ph1", "file_unique_id": "ph1u", "width": 800, "height": 600}
        return self._message(data, photo=[photo], caption=data.get("caption"))

    def _m_sendDocument(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        document = {"file_id": "doc1", "file_unique_id": "doc1u", "file_name": data.get("document")}
        return self._message(data, document=document, caption=data.get("caption"))

    def _m_editMessageText(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        message = self._message(data, text=data.get("text", ""))
        message["message_id"] = int(data["message_id"])
        return message

    def _m_getFile(self, data: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        file_id = str(data["file_id"])
        path = f"documents/{file_id}"
        return {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_size": len(self.files.get(path, b"")),
            "file_path": path,
        }


# -- updates as Telegram sends them ---------------------------------------------------------


@dataclass
class Person:
    id: int
    first_name: str
    language_code: str = "en"
    username: str | None = None

    def user(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.username:
            data["username"] = self.username
        return data

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str = "Team chat") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


_incoming_ids = itertools.count(100000)


def message_update(
    fake: FakeTelegram,
    person: Person,
    text: str = "",
    *,
    chat: dict[str, Any] | None = None,
    reply_to: Call | None = None,
    reply_message_id: int | None = None,
    document: dict[str, Any] | None = None,
    update_id: int | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_incoming_ids),
        "date": int(time.time()),
        "chat": chat or person.private_chat(),
        "from": person.user(),
    }
    if text:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if document is not None:
        message["document"] = document
    if reply_to is not None or reply_message_id is not None:
        message["reply_to_message"] = {
            "message_id": reply_message_id or reply_to_id(reply_to),
            "date": int(time.time()),
            "chat": message["chat"],
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Planerka"},
            "text": reply_to.text if reply_to is not None else "",
        }
    return {"update_id": update_id or fake.next_update_id(), "message": message}


def reply_to_id(call: Call | None) -> int:
    assert call is not None
    return call.message_id


def callback_update(
    fake: FakeTelegram, person: Person, data: str, *, chat_id: int, message_id: int
) -> dict[str, Any]:
    chat = (
        {"id": chat_id, "type": "private", "first_name": person.first_name}
        if chat_id > 0
        else group_chat(chat_id)
    )
    return {
        "update_id": fake.next_update_id(),
        "callback_query": {
            "id": str(next(_incoming_ids)),
            "from": person.user(),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Planerka"},
                "text": "...",
            },
        },
    }
