"""Slack slash-command ack latency under concurrent load (loopback only).

A local client sends signed `/planerka` requests to the real Bolt app in HTTP mode,
with the fake Slack Web API behind it, and times each HTTP answer (the ack Slack waits
for, at most 3 s). The replies are produced after the ack; the run waits for them and
reports how long the backlog took. Bounded: REQUESTS requests, CONCURRENCY at a time.

    .venv/bin/python bench/bench_slack.py [REQUESTS] [CONCURRENCY]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import structlog  # noqa: E402

from bot.migrate import upgrade  # noqa: E402
from tests.fakes.slack_api import FORM_TYPE, FakeSlack  # noqa: E402
from tests.fakes.slack_harness import slack_http, slash_command_body  # noqa: E402

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 400
CONCURRENCY = int(sys.argv[2]) if len(sys.argv) > 2 else 20
USERS = 20
LIMIT_SECONDS = 300  # each mode gives up after this long


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


async def main(database_url: str) -> None:
    async with slack_http(database_url) as slack:
        fake: FakeSlack = slack.fake
        users = [f"U0BENCH{n:03d}" for n in range(USERS)]
        for user in users:
            fake.add_user(user, f"Person {user[-3:]}")
        # warm up: the team and its people exist before timing
        for user in users:
            await slack.command("help", user=user)
        fake.calls.clear()

        latencies: list[float] = []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(REQUESTS):
            queue.put_nowait(n)

        async def client() -> None:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                text = "groups" if n % 2 else "help"
                body = slash_command_body(text, user=users[n % USERS])
                started = time.perf_counter()
                status, _ = await slack.send(body, FORM_TYPE, settle=False)
                latencies.append(time.perf_counter() - started)
                assert status == 200, status

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        acked = time.perf_counter() - started
        await slack.adapter.drain()
        finished = time.perf_counter() - started
        replies = len(fake.of("chat.postMessage"))
        failed = sum("went wrong" in text for text in fake.texts())

    report("HTTP mode", latencies, acked, finished, replies, failed)


async def socket_main(database_url: str) -> None:
    """The same load as Socket Mode envelopes from the fake's WebSocket."""
    from bot.app import build_app
    from bot.slack import SlackAdapter
    from tests import conftest
    from tests.fakes import slack_api

    fake = await FakeSlack().start()
    settings = conftest.test_settings(
        slack={
            "bot_token": slack_api.BOT_TOKEN,
            "app_token": slack_api.APP_TOKEN,
            "api_base_url": fake.api_url,
        }
    )
    app = build_app(settings, database_url=database_url)
    adapter = SlackAdapter(app)
    running = asyncio.create_task(adapter.run())
    try:
        await fake.wait_socket()
        users = [f"U0SOCK{n:03d}" for n in range(USERS)]
        for user in users:
            fake.add_user(user, f"Person {user[-3:]}")
            await fake.envelope("slash_commands", slack_api.slash_command("help", user=user))
        await adapter.drain()
        fake.calls.clear()
        latencies: list[float] = []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(REQUESTS):
            queue.put_nowait(n)

        async def client() -> None:
            while True:
                try:
                    n = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                text = "groups" if n % 2 else "help"
                payload = slack_api.slash_command(text, user=users[n % USERS])
                started = time.perf_counter()
                await fake.envelope("slash_commands", payload)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        acked = time.perf_counter() - started
        await adapter.drain()
        finished = time.perf_counter() - started
        replies = len(fake.of("chat.postMessage"))
        failed = sum("went wrong" in text for text in fake.texts())
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await app.close()
        await fake.stop()
    report("Socket Mode", latencies, acked, finished, replies, failed)


def report(
    mode: str, latencies: list[float], acked: float, finished: float, replies: int, failed: int
) -> None:
    ms = [x * 1000 for x in latencies]
    print(f"slack slash-command ack latency, {mode}, loopback, SQLite, {os.cpu_count()} cpus")
    print(f"  requests {REQUESTS}, concurrency {CONCURRENCY}, people {USERS}")
    print(
        f"  ack p50 {percentile(ms, 0.50):.1f} ms, p90 {percentile(ms, 0.90):.1f} ms,"
        f" p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms,"
        f" mean {statistics.fmean(ms):.1f} ms"
    )
    print(f"  all acked in {acked:.2f} s ({REQUESTS / acked:.0f} req/s)")
    print(
        f"  all replies posted after {finished:.2f} s: {replies} messages"
        f" ({REQUESTS / finished:.0f} commands/s end to end), {failed} of them errors"
    )
    over = sum(1 for x in ms if x > 3000)
    print(f"  acks over Slack's 3 s limit: {over}")


if __name__ == "__main__":
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")
        upgrade(url)
        asyncio.run(asyncio.wait_for(main(url), LIMIT_SECONDS))
        url = f"sqlite+aiosqlite:///{folder}/bench_socket.sqlite3"
        upgrade(url)
        asyncio.run(asyncio.wait_for(socket_main(url), LIMIT_SECONDS))
