"""The outbox dispatcher: claims, platform outcomes, limits, two dispatchers on one
PostgreSQL, and a kill -9 in the middle of a batch."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.views import View
from models.base import utcnow
from models.db import create_engine, create_sessionmaker
from models.outbox import OutboxMessage
from models.teams import Identity
from scheduler.delivery import RecipientGone, RetryAfter, TemporaryFailure
from scheduler.dispatcher import BEAT_EVERY, UNLIMITED, Dispatcher, Limits, RateLimiter
from scheduler.dispatcher_claim import Job
from services import outbox, teams, teams_identity, teams_invites
from services.teams import Newcomer

ROOT = Path(__file__).resolve().parent.parent


class FakeSender:
    platform = "telegram"

    def __init__(self, script: dict[str, list[Exception]] | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.script = script or {}

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Any = None) -> None:
        """A view is one message here; like the real senders, one that arrived (parts
        done) is not sent again."""
        if parts is not None and parts.done >= 1:
            return
        failures = self.script.get(chat_id)
        if failures:
            raise failures.pop(0)
        self.sent.append((chat_id, payload["body"][0][0]))
        if parts is not None:
            parts.done = 1


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def tg(name: str, chat: str) -> Newcomer:
    return Newcomer(platform="telegram", external_id=chat, name=name, chat_id=chat)


async def people(maker: async_sessionmaker[AsyncSession], count: int) -> list[tuple[int, int]]:
    """(team_id, user_id) of `count` people reachable on Telegram, chats 1000+i."""
    out = []
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, tg("P0", "1000"))
        out.append((admin.team_id, admin.user_id))
        for i in range(1, count):
            code = (await teams_invites.create_invite(s, admin, role="employee")).code
            actor, _ = await teams_invites.join_with_invite(s, code, tg(f"P{i}", str(1000 + i)))
            out.append((actor.team_id, actor.user_id))
    return out


async def queue(
    maker: async_sessionmaker[AsyncSession],
    targets: list[tuple[int, int]],
    n: int,
    due_in: float = 0,
) -> None:
    async with maker() as s, s.begin():
        for i in range(n):
            team_id, user_id = targets[i % len(targets)]
            await outbox.enqueue(
                s,
                team_id=team_id,
                user_id=user_id,
                kind="reminder",
                payload=View.text(f"n={i}").to_dict(),
                due_at=utcnow() + timedelta(seconds=due_in),
            )


async def statuses(maker: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with maker() as s:
        rows = await s.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return Counter({status: int(n) for status, n in rows})


async def test_sends_due_rows_of_reachable_people_only(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    targets = await people(maker, 3)
    await queue(maker, targets, 6)
    await queue(maker, targets[:1], 1, due_in=3600)  # not due yet
    async with maker() as s, s.begin():
        admin = await teams_identity.resolve_actor(s, "telegram", "1000")
        assert admin is not None
        local = await teams.add_local_member(s, admin, "console", "Cons")
        await outbox.enqueue(
            s,
            team_id=local.team_id,
            user_id=local.user_id,
            kind="x",
            payload=View.text("c").to_dict(),
        )
    sender = FakeSender()
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED})
    assert await dispatcher.drain() == 6
    assert sorted(text for _, text in sender.sent) == [f"n={i}" for i in range(6)]
    assert await statuses(maker) == Counter({"sent": 6, "pending": 2})
    assert await dispatcher.drain() == 0
    # the console still takes its own rows itself
    async with maker() as s, s.begin():
        rows = await outbox.take_due_for_identity(s, "console", "cons")
        assert [r.payload["body"][0][0] for r in rows] == ["c"]


async def test_retry_after_gone_and_temporary_failures(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    targets = await people(maker, 3)
    await queue(maker, targets, 3)
    sender = FakeSender(
        {
            "1000": [RetryAfter(0.01)],
            "1001": [RecipientGone()],
            "1002": [TemporaryFailure("502")],
        }
    )
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED})
    await dispatcher.drain()
    assert sender.sent == [("1000", "n=0")]  # retried after the pause
    assert dispatcher.stats["retry_after"] == 1
    async with maker() as s:
        gone = await s.scalar(select(Identity.active).where(Identity.external_id == "1001"))
        assert gone is False
        rows = {r.user_id: r for r in (await s.execute(select(OutboxMessage))).scalars()}
        assert rows[targets[1][1]].status == "failed"
        later = rows[targets[2][1]]
        assert later.status == "pending" and later.attempts == 1 and later.due_at > utcnow()
    # once due again it goes out; the gone person's new rows are not claimed
    async with maker() as s, s.begin():
        await s.execute(update(OutboxMessage).values(due_at=utcnow() - timedelta(seconds=1)))
    await queue(maker, targets[1:2], 1)
    await dispatcher.drain()
    assert ("1002", "n=2") in sender.sent
    assert await statuses(maker) == Counter({"sent": 2, "failed": 1, "pending": 1})


async def test_gives_up_after_max_attempts(maker: async_sessionmaker[AsyncSession]) -> None:
    targets = await people(maker, 1)
    await queue(maker, targets, 1)
    sender = FakeSender({"1000": [TemporaryFailure("down")] * 10})
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED})
    for _ in range(8):
        await dispatcher.drain()
        async with maker() as s, s.begin():
            await s.execute(update(OutboxMessage).values(due_at=utcnow() - timedelta(seconds=1)))
    assert await statuses(maker) == Counter({"failed": 1})


def test_rate_limiter_spacing() -> None:
    clock = [100.0]
    limiter = RateLimiter(Limits(per_second=25), clock=lambda: clock[0])
    assert limiter.try_take("a") == 0
    assert limiter.try_take("b") == pytest.approx(0.04)  # evenly spaced
    clock[0] += 0.04
    assert limiter.try_take("b") == 0
    clock[0] += 0.5
    assert limiter.try_take("b") == pytest.approx(0.5)  # one a second per chat
    assert limiter.try_take("c") == 0
    for _ in range(20):
        clock[0] += 1.0
        assert limiter.try_take("-5") == 0
    clock[0] += 1.0
    assert limiter.try_take("-5") == pytest.approx(40.0)  # 20 a minute per group
    limiter.pause(5)
    assert limiter.try_take("y") == pytest.approx(5.0)


async def test_two_dispatchers_on_postgresql_send_each_row_once(pg_url: str) -> None:
    engines = [create_engine(pg_url) for _ in range(2)]
    makers = [create_sessionmaker(e) for e in engines]
    try:
        targets = await people(makers[0], 200)
        await queue(makers[0], targets, 2000)
        senders = [FakeSender(), FakeSender()]
        dispatchers = [
            Dispatcher(m, {"telegram": snd}, limits={"telegram": UNLIMITED}, batch=50, workers=16)
            for m, snd in zip(makers, senders, strict=True)
        ]

        async def run(d: Dispatcher) -> None:
            while await d.drain():
                pass

        await asyncio.gather(*(run(d) for d in dispatchers))
        sent = Counter(text for snd in senders for _, text in snd.sent)
        assert len(sent) == 2000 and max(sent.values()) == 1
        assert all(snd.sent for snd in senders)  # both did a share
        assert await statuses(makers[0]) == Counter({"sent": 2000})
    finally:
        for engine in engines:
            await engine.dispose()


WORKER = ROOT / "tests" / "dispatch_worker.py"


def _worker(url: str, log: Path, offset: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, str(log), str(offset)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def test_kill_9_mid_batch_loses_nothing(sqlite_url: str, tmp_path: Path) -> None:
    engine = create_engine(sqlite_url)
    maker = create_sessionmaker(engine)
    try:
        targets = await people(maker, 50)
        await queue(maker, targets, 300)
    finally:
        await engine.dispose()
    log = tmp_path / "sent.log"
    first = _worker(sqlite_url, log, 0)
    try:
        # wait until it is in the middle of the work, then kill it hard
        for _ in range(3000):
            if log.exists() and len(log.read_text().splitlines()) >= 60:
                break
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    before = log.read_text().splitlines()
    assert 60 <= len(before) < 300
    # a restart after the lease has run out (its clock runs ahead instead of sleeping)
    second = _worker(sqlite_url, log, 600)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    lines = log.read_text().splitlines()
    counts = Counter(lines)
    assert set(counts) == {f"n={i}" for i in range(300)}  # nothing lost
    duplicates = sum(n - 1 for n in counts.values())
    print(f"kill -9 after {len(before)} of 300 sent: {duplicates} sent twice after the restart")
    assert duplicates <= 20  # at most the batch that was in flight
    engine = create_engine(sqlite_url)
    try:
        assert await statuses(create_sessionmaker(engine)) == Counter({"sent": 300})
    finally:
        await engine.dispose()


async def test_group_messages_go_to_the_bound_chats(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    from models.chats import ChatBinding
    from services import groups

    targets = await people(maker, 1)
    async with maker() as s, s.begin():
        admin = await teams_identity.resolve_actor(s, "telegram", "1000")
        assert admin is not None
        group = await groups.create_group(s, admin, "Sales")
        lonely = await groups.create_group(s, admin, "Nobody bound")
        s.add(
            ChatBinding(
                team_id=admin.team_id, group_id=group.id, platform="telegram", chat_id="-500"
            )
        )
        s.add(ChatBinding(team_id=admin.team_id, group_id=group.id, platform="slack", chat_id="C1"))
        for gid, text in ((group.id, "to the group"), (lonely.id, "to nobody")):
            await outbox.enqueue(
                s,
                team_id=admin.team_id,
                group_id=gid,
                kind="post",
                payload=View.text(text).to_dict(),
            )
    await queue(maker, targets, 1)
    sender = FakeSender()
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED})
    await dispatcher.drain()
    assert sorted(sender.sent) == [("-500", "to the group"), ("1000", "n=0")]
    assert await statuses(maker) == Counter({"sent": 2, "pending": 1})


async def test_rate_limiter_serves_first_come_first() -> None:
    limiter = RateLimiter(Limits(per_second=20_000, per_chat_interval=0.0))
    order: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire(str(i))
        order.append(i)

    tasks = []
    for i in range(64):
        tasks.append(asyncio.create_task(one(i)))
        await asyncio.sleep(0)  # they arrive one after another
    await asyncio.gather(*tasks)
    assert order == list(range(64))


async def test_rate_limiter_keeps_one_chats_messages_in_order() -> None:
    """Messages to one chat, waiting out its one-a-second pace together, leave in the
    order they came (a group's news told in the order things happened)."""
    limiter = RateLimiter(Limits(per_second=20_000, per_chat_interval=0.02))
    order: list[int] = []

    async def one(i: int) -> None:
        await limiter.acquire("-100")
        order.append(i)

    tasks = []
    for i in range(12):
        tasks.append(asyncio.create_task(one(i)))
        await asyncio.sleep(0)  # they arrive one after another
    await asyncio.gather(*tasks)
    assert order == list(range(12))
    assert not limiter.chat_turns  # nothing kept for a chat nobody waits for


class PartsSender:
    """Sends a view in the parts `parts_of` names, pacing each as the real senders do;
    the first try of each name in `fail_once` meets a 429."""

    platform = "telegram"

    def __init__(self, parts_of: dict[str, int], fail_once: tuple[str, ...] = ()) -> None:
        self.log: list[str] = []
        self.parts_of = parts_of
        self.fail = set(fail_once)

    async def send(self, chat_id: str, payload: dict[str, Any], parts: Any = None) -> None:
        name = payload["name"]
        await asyncio.sleep(0.005)  # the round trip
        if name in self.fail:
            self.fail.discard(name)
            raise RetryAfter(0.05)
        for index in range(parts.done, self.parts_of.get(name, 1)):
            if index and parts.pace is not None:
                await parts.pace()
            await asyncio.sleep(0.005)
            self.log.append(f"{name}.{index + 1}")
            parts.done = index + 1


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        (lambda: PartsSender({"#1": 2}), ["#1.1", "#1.2", "#2.1", "#3.1"]),
        (lambda: PartsSender({}, ("#1",)), ["#1.1", "#2.1", "#3.1"]),
    ],
    ids=["long-first", "429-first"],
)
async def test_a_chats_messages_go_whole_and_in_order(sender: Any, expected: list[str]) -> None:
    """Three messages for one chat, queued #1, #2, #3: a long #1 sends its second part,
    and a #1 that met a 429 its retry, before #2 begins."""
    fake = sender()
    dispatcher = Dispatcher(
        None,  # type: ignore[arg-type]  # sending only: nothing is claimed or recorded
        {"telegram": fake},
        limits={"telegram": Limits(per_second=1000, per_chat_interval=0.02)},
    )
    jobs = [Job(i, "telegram", "-100", 0, {"name": f"#{i}"}, 1, ("-100",)) for i in (1, 2, 3)]
    sends = []
    for job in jobs:
        sends.append(asyncio.create_task(dispatcher.send(job)))
        await asyncio.sleep(0)  # queued one after another
    await asyncio.gather(*sends)
    assert fake.log == expected
    assert not dispatcher.chat_jobs  # nothing kept for a chat with nothing waiting


async def test_dispatchers_share_the_platform_rate(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    """Two schedulers on one database pace at half of Telegram's rate each, so together
    they stay under it; when one stops (or is silent too long) the other takes it all.
    One sending only to Slack does not count for Telegram."""
    clock = [utcnow()]
    first = Dispatcher(maker, {"telegram": FakeSender()}, now=lambda: clock[0])
    second = Dispatcher(maker, {"telegram": FakeSender()}, now=lambda: clock[0])
    slack_only = Dispatcher(maker, {"slack": FakeSender()}, now=lambda: clock[0])
    idle = Dispatcher(maker, {}, now=lambda: clock[0])
    full_gap = first.limiters["telegram"].gap
    assert await first.beat() == {"telegram": 1}
    assert await slack_only.beat() == {"slack": 1}
    assert await idle.beat() == {}
    assert first.limiters["telegram"].gap == pytest.approx(full_gap)
    limiter = second.limiters["telegram"]
    assert await second.beat() == {"telegram": 2}
    # joining running ones, it waits a beat for them to slow down first
    assert limiter.next_slot - limiter.clock() > BEAT_EVERY - 1
    assert await first.beat() == {"telegram": 2}
    assert first.limiters["telegram"].gap == pytest.approx(2 * full_gap)
    await second.leave()
    assert await first.beat() == {"telegram": 1}
    assert first.limiters["telegram"].gap == pytest.approx(full_gap)
    # a dispatcher that died without leaving counts until it has been silent a while
    await second.beat()
    clock[0] += timedelta(seconds=10)
    assert await first.beat() == {"telegram": 2}
    clock[0] += timedelta(seconds=15)
    assert await first.beat() == {"telegram": 1}


async def test_a_serving_dispatcher_says_it_runs_and_leaves_when_stopped(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    from models.outbox import DispatcherBeat

    dispatcher = Dispatcher(maker, {"telegram": FakeSender()})
    serving = asyncio.create_task(dispatcher.serve(interval=0.05))
    for _ in range(100):
        async with maker() as s:
            if await s.get(DispatcherBeat, (dispatcher.process_id, "telegram")) is not None:
                break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("the dispatcher never said it runs")
    serving.cancel()
    await asyncio.gather(serving, return_exceptions=True)
    async with maker() as s:
        assert await s.get(DispatcherBeat, (dispatcher.process_id, "telegram")) is None


# -- a group's messages, one row for all its chats ------------------------------------


async def _group_row(maker: async_sessionmaker[AsyncSession], chats: tuple[str, ...]) -> None:
    from models.chats import ChatBinding
    from services import groups, outbox, teams_identity

    await people(maker, 1)
    async with maker() as s, s.begin():
        admin = await teams_identity.resolve_actor(s, "telegram", "1000")
        assert admin is not None
        group = await groups.create_group(s, admin, "Sales")
        for chat in chats:
            s.add(
                ChatBinding(
                    team_id=admin.team_id, group_id=group.id, platform="telegram", chat_id=chat
                )
            )
        await outbox.enqueue(
            s, team_id=admin.team_id, group_id=group.id, kind="post", payload=_text("hi")
        )


def _text(text: str) -> dict[str, Any]:
    from handlers.views import View

    return View.text(text).to_dict()


async def _the_row(maker: async_sessionmaker[AsyncSession]) -> OutboxMessage:
    async with maker() as s:
        return (await s.execute(select(OutboxMessage))).scalar_one()


async def test_a_renderer_crash_on_a_group_message_is_not_called_sent(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    await _group_row(maker, ("-500",))
    sender = FakeSender({"-500": [ValueError("renderer bug")]})
    await Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED}).drain()
    row = await _the_row(maker)
    assert row.status == "failed" and "renderer bug" in (row.error or "")


async def test_an_owed_chat_unbound_before_its_retry_is_owed_nothing(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    from models.chats import ChatBinding

    await _group_row(maker, ("-500", "-501"))
    sender = FakeSender({"-501": [TemporaryFailure("network")]})
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED})
    await dispatcher.drain()
    assert (await _the_row(maker)).status == "pending"
    async with maker() as s, s.begin():  # the bot was removed from -501 meanwhile
        await s.execute(delete(ChatBinding).where(ChatBinding.chat_id == "-501"))
        await s.execute(update(OutboxMessage).values(due_at=utcnow()))
    await dispatcher.drain()
    row = await _the_row(maker)
    assert row.status == "sent"
    assert [chat for chat, _text in sender.sent] == ["-500"]  # once, not again


async def test_a_group_row_stays_leased_while_a_chat_is_still_being_sent_to(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    await _group_row(maker, ("-500", "-501"))

    class SlowSecond:
        platform = "telegram"

        def __init__(self) -> None:
            self.sent: list[str] = []
            self.gate = asyncio.Event()

        async def send(self, chat_id: str, payload: dict[str, Any], parts: Any = None) -> None:
            if chat_id == "-501":
                await self.gate.wait()
            self.sent.append(chat_id)

    sender = SlowSecond()
    dispatcher = Dispatcher(maker, {"telegram": sender}, limits={"telegram": UNLIMITED}, batch=2)
    draining = asyncio.create_task(dispatcher.drain())
    await asyncio.sleep(0.3)
    row = await _the_row(maker)
    assert sender.sent == ["-500"]
    assert row.status == "pending" and row.claimed_until is not None  # not "sent" yet
    sender.gate.set()
    await draining
    row = await _the_row(maker)
    assert row.status == "sent" and sorted(sender.sent) == ["-500", "-501"]
