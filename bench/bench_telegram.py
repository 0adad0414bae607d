"""Telegram throughput and latency through the real aiogram dispatcher.

Feeds raw updates to Dispatcher.feed_update one at a time and times each, for
  - the workspace: /task (a write) and /tasks (a read) — or, while the tasks area
    is absent, /groups new (write) and /groups (read) — on a migrated SQLite file
    (or --db URL);
  - a bare aiogram echo bot (one handler answering the text), in the same run.
Both bots send their replies over HTTP to the fake Bot API of the test suite,
run in a separate process (--transport http, the default), or to an in-process
stand-in without any network (--transport local). Prints updates/s, p50/p99
latency and the ratios against the echo bot.

    .venv/bin/python bench/bench_telegram.py [--n 300] [--db URL] [--transport http|local]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiogram import Bot, Dispatcher, Router  # noqa: E402
from aiogram.client.default import DefaultBotProperties  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.session.base import BaseSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.types import Message, Update  # noqa: E402

TOKEN = "777000:TEST-secret-token-for-the-fake-bot-api-000"  # the fake API's token
SERVE_FAKE = (
    "import asyncio\n"
    "from tests.fakes.telegram_api import FakeTelegram\n"
    "async def main():\n"
    "    fake = await FakeTelegram().start()\n"
    "    print(fake.port, flush=True)\n"
    "    while True:\n"
    "        await asyncio.sleep(5)\n"
    "        fake.calls.clear()\n"
    "asyncio.run(main())\n"
)
MESSAGE_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}


class LocalSession(BaseSession):
    """Answers every Bot API call in process, through aiogram's response parsing."""

    def __init__(self) -> None:
        super().__init__()
        self.ids = itertools.count(1)
        self.calls = 0

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.calls += 1
        name = method.__api_method__
        result: Any = True
        if name in MESSAGE_METHODS:
            chat_id = int(getattr(method, "chat_id", 0) or 0)
            result = {
                "message_id": next(self.ids),
                "date": 0,
                "chat": {"id": chat_id, "type": "private"},
                "text": "ok",
            }
        elif name == "getMe":
            result = {"id": 123456789, "is_bot": True, "first_name": "B", "username": "bench_bot"}
        content = json.dumps({"ok": True, "result": result})
        response = self.check_response(bot=bot, method=method, status_code=200, content=content)
        return response.result

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def update(user_id: int, text: str) -> Update:
    entities = []
    if text.startswith("/"):
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
    return Update.model_validate(
        {
            "update_id": next(_update_ids),
            "message": {
                "message_id": next(_message_ids),
                "date": 0,
                "chat": {"id": user_id, "type": "private", "first_name": "U"},
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": f"User{user_id}",
                    "language_code": "en",
                },
                "text": text,
                "entities": entities,
            },
        }
    )


async def measure(
    dispatcher: Dispatcher, bot: Bot, texts: Callable[[int], str], n: int, users: list[int]
) -> dict[str, Any]:
    """n updates spread over the users' chats: chats run concurrently, each in order."""
    latencies: list[float] = []
    per = max(1, n // len(users))

    async def chat(user_id: int, offset: int) -> None:
        for index in range(offset, offset + per):
            item = update(user_id, texts(index))
            t0 = time.perf_counter()
            await dispatcher.feed_update(bot, item)
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(chat(user, k * per) for k, user in enumerate(users)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "latencies": latencies,
        "elapsed": elapsed,
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


class Transport:
    """Where the bots' Bot API calls go: the fake API in a child process, or nowhere."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def start(self) -> None:
        if self.kind != "http":
            return
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE_FAKE], cwd=root, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def bot(self) -> Bot:
        default = DefaultBotProperties(parse_mode="HTML")
        if self.kind != "http":
            return Bot(TOKEN, session=LocalSession(), default=default)
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(TOKEN, session=session, default=default)


async def measure_workspace(
    adapter: Any, texts: Callable[[int], str], n: int, user_id: int
) -> dict[str, float]:
    """Workspace.handle alone (no aiogram, no sending): the share of the domain."""
    from bot.telegram.events import from_message

    latencies: list[float] = []
    started = time.perf_counter()
    for index in range(n):
        item = update(user_id, texts(index))
        assert item.message is not None
        event = from_message(item.message, item.update_id, adapter.bot.id, adapter.username)
        t0 = time.perf_counter()
        await adapter.workspace.handle(event)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": n / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def pooled(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Rounds of one scenario as one: total updates over total time, pooled percentiles."""
    latencies = sorted(x for row in rows for x in row["latencies"])
    elapsed = sum(row["elapsed"] for row in rows)
    return {
        "rate": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def replay_bot(adapter: Any, views: dict[str, Any], kind: str) -> Dispatcher:
    """Sends the view the workspace last answered `kind` with, through the adapter's
    sender, without the workspace: the cost of the reply alone (a ceiling for the ratio)."""
    router = Router(name=f"replay-{kind}")

    @router.message()
    async def replay(message: Message) -> None:
        for view in views[kind]:
            await adapter.sender.deliver(str(message.chat.id), view)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def echo_bot(transport: Transport) -> tuple[Dispatcher, Bot]:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher, transport.bot()


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--db", default="")
    parser.add_argument("--transport", choices=("http", "local"), default="http")
    parser.add_argument("--chats", type=int, default=1, help="chats updating concurrently")
    args = parser.parse_args()
    os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")

    from bot.app import build_app
    from bot.config import Settings, TelegramSettings
    from bot.logs import setup_logging
    from bot.migrate import upgrade_async
    from bot.runner import freeze_startup_heap
    from bot.telegram import TelegramAdapter

    setup_logging("WARNING")
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite+aiosqlite:///{tmp.name}/bench.sqlite3"
    await upgrade_async(url)
    transport = Transport(args.transport)
    transport.start()
    settings = Settings()
    settings.telegram = TelegramSettings(token=TOKEN, bot_username="bench_bot")  # type: ignore[arg-type]
    if transport.base_url:
        settings.telegram.api_base_url = transport.base_url
    app = build_app(settings, database_url=url)
    # over HTTP the adapter builds its bot as in production; in process it gets the stand-in
    adapter = TelegramAdapter(app, bot=None if args.transport == "http" else transport.bot())
    bot = adapter.bot
    has_tasks = (
        "task" in app.workspace.registry.commands and "tasks" in app.workspace.registry.commands
    )
    user = 4242
    users = [user + k for k in range(max(1, args.chats))]
    for someone in users:  # each a team of its own, as separate customers are
        await adapter.dispatcher.feed_update(bot, update(someone, "/start"))
    if has_tasks:
        write_name, read_name = "/task", "/tasks"

        def write(i: int) -> str:
            return f"/task Bench task {i} tomorrow 15:00"

        def read(_i: int) -> str:
            return "/tasks"
    else:
        write_name, read_name = "/groups new (tasks absent)", "/groups (tasks absent)"

        def write(i: int) -> str:
            return f"/groups new Bench group {i}"

        def read(_i: int) -> str:
            return "/groups"

    echo_dispatcher, echo = echo_bot(transport)
    freeze_startup_heap()  # as `python -m bot run` does once started (both bots gain)
    answered: dict[str, Any] = {}
    send_all = adapter._send_all

    async def recording(event: Any, views: list[Any], **kwargs: Any) -> None:
        answered["w" if event.command == "task" or event.args.startswith("new") else "r"] = views
        await send_all(event, views, **kwargs)

    adapter._send_all = recording
    n = args.n
    # warm-up: imports, caches, the first connections
    await measure(echo_dispatcher, echo, lambda i: f"hello {i}", 20, users)
    await measure(adapter.dispatcher, bot, read, 5, users)

    def hello(i: int) -> str:
        return f"hello {i}"

    # interleaved rounds, so a busy moment of the machine hits both sides alike
    rounds = 5
    part = max(1, n // rounds)
    parts: dict[str, list[dict[str, float]]] = {"ew": [], "w": [], "er": [], "r": []}
    for _ in range(rounds):
        parts["ew"].append(await measure(echo_dispatcher, echo, hello, part, users))
        parts["w"].append(await measure(adapter.dispatcher, bot, write, part, users))
        parts["er"].append(await measure(echo_dispatcher, echo, hello, part, users))
        parts["r"].append(await measure(adapter.dispatcher, bot, read, part, users))
    echo_write, w, echo_read, r = (pooled(parts[key]) for key in ("ew", "w", "er", "r"))
    adapter._send_all = send_all
    replay: dict[str, list[dict[str, Any]]] = {"ew": [], "w": [], "er": [], "r": []}
    for _ in range(rounds):
        for kind in ("w", "r"):
            replay["e" + kind].append(await measure(echo_dispatcher, echo, hello, part, users))
            replay[kind].append(
                await measure(replay_bot(adapter, answered, kind), bot, hello, part, users)
            )
    floor = {key: pooled(rows) for key, rows in replay.items()}
    w_only = await measure_workspace(adapter, write, n, user)
    r_only = await measure_workspace(adapter, read, n, user)

    engine = url.split(":", 1)[0]
    print(
        f"Telegram through aiogram Dispatcher.feed_update: {part * rounds} updates a scenario "
        f"in {rounds} interleaved rounds, {len(users)} chat(s) at once, {engine}, "
        f"Bot API: {'fake server over HTTP' if args.transport == 'http' else 'in process'}"
    )
    print(f"{'scenario':34} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for name, row in (
        ("echo bot (baseline, write run)", echo_write),
        (f"write {write_name}", w),
        ("echo bot (baseline, read run)", echo_read),
        (f"read {read_name}", r),
        ("  Workspace.handle only, write", w_only),
        ("  Workspace.handle only, read", r_only),
        ("  reply only (write's views)", floor["w"]),
        ("  reply only (read's views)", floor["r"]),
    ):
        print(f"{name:34} {row['rate']:10.1f} {row['p50']:8.2f} {row['p99']:8.2f}")
    write_ratio = w["rate"] / echo_write["rate"]
    read_ratio = r["rate"] / echo_read["rate"]
    print(f"ratio write/echo: {write_ratio:.3f} (goal >= 0.35)")
    print(f"ratio read/echo:  {read_ratio:.3f} (goal >= 0.5)")
    print(
        "ceiling with a free workspace (the same replies sent alone, against the echo bot "
        f"measured beside them): write {floor['w']['rate'] / floor['ew']['rate']:.3f}, "
        f"read {floor['r']['rate'] / floor['er']['rate']:.3f}"
    )
    await app.close()
    await bot.session.close()
    await echo.session.close()
    transport.stop()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
