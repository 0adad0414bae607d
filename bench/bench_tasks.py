"""Tasks at volume, through the neutral core (Workspace.handle with console events).

For each scale (1,000 and 1,000,000 tasks in SQLite) a fresh database gets one team
of N/100 people with 100 tasks each (the person measured included); the bulk goes
in with executemany, not through the handler. Then, through Workspace.handle:
  - list: the /tasks list ("I do") opened on random pages by its pager button;
  - create: /task commands with an inline deadline ("... tomorrow 15:00").
The scales take turns in rounds so both see the same load on the machine. Prints
throughput and p50/p99 latency for both, then the ratio of the list's p99 at the
large scale to its p99 at 1,000 tasks (the goal is at most 2).

    .venv/bin/python bench/bench_tasks.py [--scales 1000,1000000] [--lists 1000] [--creates 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")

from sqlalchemy import create_engine as create_sync_engine  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from bot.app import App, build_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from handlers.events import ChatRef, Incoming, Sender  # noqa: E402
from models.tasks import Task  # noqa: E402
from models.teams import User  # noqa: E402

PER_PERSON = 100
CHUNK = 50_000


def event(**kwargs: object) -> Incoming:
    return Incoming(
        chat=ChatRef(platform="console", chat_id="console:boss"),
        sender=Sender(external_id="boss", name="Boss", language_code="en"),
        **kwargs,  # type: ignore[arg-type]
    )


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def bulk_fill(path: Path, n_tasks: int, boss_id: int, team_id: int) -> float:
    """People and tasks straight into SQLite with executemany; returns seconds."""
    engine = create_sync_engine(f"sqlite:///{path}")
    started = time.perf_counter()
    now = datetime.now(UTC)
    people = max(1, n_tasks // PER_PERSON)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA synchronous=OFF"))
        rows = [
            {
                "team_id": team_id,
                "name": f"Person {i}",
                "role": "employee",
                "locale": "en",
                "timezone": "UTC",
                "active": True,
                "created_at": now,
            }
            for i in range(people - 1)
        ]
        ids = [boss_id]
        if rows:
            conn.execute(insert(User), rows)
            ids += [
                r[0]
                for r in conn.execute(
                    text("SELECT id FROM users WHERE team_id = :t AND id != :b ORDER BY id"),
                    {"t": team_id, "b": boss_id},
                )
            ]
        rng = random.Random(7)
        batch: list[dict[str, object]] = []
        for i in range(n_tasks):
            owner = ids[i % len(ids)]
            deadline = now + timedelta(hours=rng.randint(-200, 2000)) if i % 5 else None
            batch.append(
                {
                    "team_id": team_id,
                    "title": f"Do the thing number {i}",
                    "description": "",
                    "creator_id": boss_id,
                    "responsible_id": owner,
                    "status": "pending",
                    "is_open": i % 10 != 0,
                    "deadline": deadline,
                    "due_sort": deadline or datetime(9999, 12, 31, tzinfo=UTC),
                    "needs_approval": False,
                    "responsible_may_change_deadline": True,
                    "created_at": now,
                }
            )
            if len(batch) == CHUNK:
                conn.execute(insert(Task), batch)
                batch = []
        if batch:
            conn.execute(insert(Task), batch)
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


@dataclass
class Scale:
    n_tasks: int
    app: App
    folder: Path
    boss_id: int
    team_id: int
    fill: float
    pages: int
    list_times: list[float] = field(default_factory=list)
    list_wall: float = 0.0
    create_times: list[float] = field(default_factory=list)
    create_wall: float = 0.0


async def setup(n_tasks: int) -> Scale:
    folder = Path(tempfile.mkdtemp(prefix="bench_tasks_"))
    path = folder / "tasks.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    app = build_app(Settings(), database_url=url)
    ws = app.workspace
    await ws.handle(event(kind="command", command="start"))
    async with ws.sessionmaker() as s:
        boss_id, team_id = (
            await s.execute(text("SELECT id, team_id FROM users WHERE name = 'Boss'"))
        ).one()
    fill = await asyncio.to_thread(bulk_fill, path, n_tasks, boss_id, team_id)
    first = await ws.handle(event(kind="command", command="tasks"))
    assert "I do" in "".join(s.text for s in first[0].body), first
    pages = max(1, -(-int(PER_PERSON * 0.9) // ws.services.page_size))
    return Scale(n_tasks, app, folder, boss_id, team_id, fill, pages)


async def list_round(scale: Scale, rng: random.Random, count: int, record: bool) -> None:
    ws = scale.app.workspace
    t_all = time.perf_counter()
    for _ in range(count):
        action = f"tl:d:{rng.randint(1, scale.pages)}"
        t0 = time.perf_counter()
        views = await ws.handle(event(kind="action", action=action))
        elapsed = time.perf_counter() - t0
        assert views and views[0].buttons, views
        if record:
            scale.list_times.append(elapsed)
    if record:
        scale.list_wall += time.perf_counter() - t_all


async def create_round(scale: Scale, start: int, count: int) -> None:
    ws = scale.app.workspace
    t_all = time.perf_counter()
    for i in range(start, start + count):
        t0 = time.perf_counter()
        views = await ws.handle(
            event(kind="command", command="task", args=f"Call client {i} tomorrow 15:00")
        )
        scale.create_times.append(time.perf_counter() - t0)
        assert "created" in "".join(s.text for s in views[0].body), views[0].body
    scale.create_wall += time.perf_counter() - t_all


async def report(scale: Scale) -> None:
    async with scale.app.workspace.sessionmaker() as s:
        plan = (
            await s.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE team_id = :t AND "
                    "responsible_id = :u AND is_open = 1 ORDER BY due_sort, id LIMIT 8"
                ),
                {"t": scale.team_id, "u": scale.boss_id},
            )
        ).all()
    n = scale.n_tasks
    lists, creates = len(scale.list_times), len(scale.create_times)
    print(f"\n== {n:,} tasks ({max(1, n // PER_PERSON):,} people) ==")
    print(f"bulk insert: {scale.fill:.1f} s ({n / scale.fill:,.0f} tasks/s)")
    print("list query plan: " + " | ".join(str(row[-1]) for row in plan))
    print(
        f"list   x{lists}: {lists / scale.list_wall:7.1f} req/s  "
        f"p50 {pct(scale.list_times, 0.5):6.2f} ms  p99 {pct(scale.list_times, 0.99):6.2f} ms"
    )
    print(
        f"create x{creates}: {creates / scale.create_wall:7.1f} req/s  "
        f"p50 {pct(scale.create_times, 0.5):6.2f} ms  "
        f"p99 {pct(scale.create_times, 0.99):6.2f} ms"
    )


async def main(scales: list[int], lists: int, creates: int, rounds: int = 10) -> None:
    setups = [await setup(n) for n in scales]
    rng = random.Random(1)
    for scale in setups:  # warm-up: caches, the first dateparser call
        await list_round(scale, rng, 100, record=False)
        await create_round(scale, -1, 1)
        scale.create_times.clear()
        scale.create_wall = 0.0
    # the scales take turns, so both see the same load on the machine
    for _ in range(rounds):
        for scale in setups:
            await list_round(scale, rng, max(1, lists // rounds), record=True)
    for r in range(rounds):
        for scale in setups:
            per = max(1, creates // rounds)
            await create_round(scale, r * per, per)
    for scale in setups:
        await report(scale)
        await scale.app.close()
        await asyncio.to_thread(shutil.rmtree, scale.folder)
    small = min(setups, key=lambda sc: sc.n_tasks)
    large = max(setups, key=lambda sc: sc.n_tasks)
    if small is not large:
        ratio = pct(large.list_times, 0.99) / pct(small.list_times, 0.99)
        p50 = pct(large.list_times, 0.5) / pct(small.list_times, 0.5)
        verdict = "within" if ratio <= 2 else "OVER"
        print(
            f"\nlist p99({large.n_tasks:,}) / p99({small.n_tasks:,}) = {ratio:.2f} "
            f"({verdict} the goal of 2); p50 ratio {p50:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1000,1000000")
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--creates", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main([int(x) for x in args.scales.split(",")], args.lists, args.creates))
