"""CRM at volume: a 10,000-row cp1251 CSV imported through the services, then the
lists, the duplicate check and the dashboard over what was imported.

Prints: parse, preview (with the duplicate check against existing records) and
commit times for the import, rows/s, then p50/p95 latency of a lead list page,
of one duplicate check and of the dashboard over 10,000 leads.

    .venv/bin/python bench/bench_crm.py [--n 10000] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLANERKA_CONFIG", "/nonexistent/config.toml")

from bot.migrate import upgrade  # noqa: E402
from models.db import create_engine, create_sessionmaker  # noqa: E402
from services import crm_import, crm_leads, crm_periods, crm_reports, teams  # noqa: E402
from services.crm import Card  # noqa: E402
from services.teams import Newcomer  # noqa: E402


def make_csv(n: int) -> bytes:
    lines = ["Имя;Фамилия;Название компании;Мобильный телефон;E-mail;Источник"]
    sources = ["Звонок", "Веб-сайт", "E-mail", "Другое"]
    for i in range(n):
        lines.append(
            f"Имя{i};Фамилия{i};ООО Компания {i % 500};+7 901 {i // 10000:03d}-{i % 10000:04d};"
            f"p{i}@example.ru;{sources[i % 4]}"
        )
    return "\n".join(lines).encode("cp1251")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(n: int, url: str) -> None:
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        boss = await teams.create_team(s, Newcomer("console", "bench", "Bench"))
    data = make_csv(n)
    t0 = time.perf_counter()
    crm_import.parse(data)
    t_parse = time.perf_counter() - t0
    async with maker() as s, s.begin():
        t0 = time.perf_counter()
        preview = await crm_import.preview(s, boss, data, "lead")
        t_preview = time.perf_counter() - t0
    async with maker() as s, s.begin():
        t0 = time.perf_counter()
        _, count = await crm_import.commit(s, boss, preview.draft_id or 0, skip_duplicates=True)
        t_commit = time.perf_counter() - t0
    print(
        f"import of {n} rows: parse {t_parse:.2f} s, preview {t_preview:.2f} s, "
        f"commit {t_commit:.2f} s ({count / t_commit:.0f} rows/s)"
    )
    async with maker() as s, s.begin():
        t0 = time.perf_counter()
        again = await crm_import.preview(s, boss, data, "lead")
        print(
            f"re-import preview: {len(again.duplicates)} duplicates found in "
            f"{time.perf_counter() - t0:.2f} s"
        )
    lists: list[float] = []
    dups: list[float] = []
    boards: list[float] = []
    async with maker() as s:
        for page in range(1, 41):
            t0 = time.perf_counter()
            await crm_leads.list_leads(s, boss, crm_leads.LeadFilter(), page=page * 20)
            lists.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await crm_leads.find_duplicates(
                s, boss, Card(name="x", phone_key=f"7901000{page:04d}", email=f"p{page}@example.ru")
            )
            dups.append(time.perf_counter() - t0)
        month = crm_periods.month_key(__import__("datetime").datetime.now())
        for _ in range(5):
            t0 = time.perf_counter()
            await crm_reports.dashboard(s, boss, month)
            boards.append(time.perf_counter() - t0)
    print(f"lead list page: p50 {pct(lists, 0.5):.1f} ms, p95 {pct(lists, 0.95):.1f} ms")
    print(f"duplicate check: p50 {pct(dups, 0.5):.1f} ms, p95 {pct(dups, 0.95):.1f} ms")
    print(f"dashboard over {n} leads: median {statistics.median(boards) * 1000:.0f} ms")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    db = args.db
    if not db:
        db = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    upgrade(db)
    asyncio.run(main(args.n, db))
