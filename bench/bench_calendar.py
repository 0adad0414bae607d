"""Calendar at volume: a team of 50 people with 5,000 events (a fifth of them
recurring series with single-occurrence changes), then the week agenda, the free
slots of five people, a year's .ics and the week picture.

Prints p50/p95 latency of each, and events expanded per second.

    .venv/bin/python bench/bench_calendar.py [--n 5000] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")

from bot.migrate import upgrade  # noqa: E402
from handlers.calendar_views import week_png  # noqa: E402
from handlers.i18n import translator  # noqa: E402
from models.db import create_engine, create_sessionmaker  # noqa: E402
from services import (  # noqa: E402
    calendar,
    calendar_changes,
    calendar_feed,
    calendar_ics,
    calendar_slots,
    teams,
    teams_invites,
)
from services.access import Actor  # noqa: E402
from services.teams import Newcomer  # noqa: E402

MONDAY = datetime(2030, 1, 7, tzinfo=UTC)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def timed(label: str, runs: int, call) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    print(
        f"{label:<38} p50 {pct(samples, 0.5):8.1f} ms   p95 {pct(samples, 0.95):8.1f} ms"
        f"   mean {statistics.mean(samples) * 1000:8.1f} ms"
    )
    return samples


async def main(n: int, url: str) -> None:
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    rng = random.Random(7)
    people: list[Actor] = []
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, Newcomer("console", "boss", "Boss"))
        people.append(admin)
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        for i in range(49):
            actor, _ = await teams_invites.join_with_invite(
                s, code, Newcomer("console", f"p{i}", f"Person {i}")
            )
            people.append(actor)
    started = time.perf_counter()
    series_count = 0
    for batch in range(0, n, 500):
        async with maker() as s, s.begin():
            for i in range(batch, min(n, batch + 500)):
                organizer = people[i % len(people)]
                start = MONDAY + timedelta(days=rng.randrange(-60, 120), hours=rng.randrange(8, 18))
                repeat = "weekly" if i % 5 == 0 else "none"
                event, _ = await calendar.create_event(
                    s,
                    organizer,
                    title=f"Meeting {i}",
                    starts_at=start,
                    ends_at=start + timedelta(minutes=rng.choice([15, 30, 60])),
                    attendee_ids=[p.user_id for p in rng.sample(people, 3) if p != organizer],
                    repeat=repeat,
                    weekdays=[rng.randrange(5)] if repeat == "weekly" else [],
                )
                if repeat == "weekly":
                    series_count += 1
                    occ = await calendar.get_occurrence(s, organizer, event.id, None)
                    await calendar_changes.move(
                        s, organizer, event.id, occ.key, occ.starts_at + timedelta(hours=1)
                    )
    print(
        f"created {n} events ({series_count} weekly series with a moved occurrence) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    me = people[0]
    week = (MONDAY, MONDAY + timedelta(days=7))
    async with maker() as s:
        occs = await calendar.occurrences(s, me, *week)
        print(f"Boss's week: {len(occs)} occurrences")

        async def agenda() -> None:
            await calendar.occurrences(s, me, *week)

        async def slots() -> None:
            await calendar_slots.free_slots(
                s,
                me,
                [p.user_id for p in people[1:5]],
                week[0],
                week[1],
                timedelta(minutes=60),
                now=week[0],
            )

        async def ics() -> None:
            rows = await calendar_feed.entries(s, me, now=MONDAY)
            calendar_ics.render(rows, name="Boss")

        tr = translator("en", "UTC")

        async def png() -> None:
            week_png(tr, occs, MONDAY)

        await timed("week agenda (one person)", 30, agenda)
        await timed("free slots, 5 people, one week", 20, slots)
        await timed(".ics of one person's calendar", 20, ics)
        await timed("week PNG (matplotlib Agg)", 5, png)
        rows = await calendar_feed.entries(s, me, now=MONDAY)
        print(
            f".ics holds {len(rows)} VEVENTs, {len(calendar_ics.render(rows, name='Boss'))} bytes"
        )
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        asyncio.run(main(args.n, url))
