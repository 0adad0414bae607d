"""A Slack workspace is one team, even when its first people arrive at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from models.db import create_engine, create_sessionmaker
from models.teams import Team
from services import teams
from services.teams import Newcomer


async def test_first_contacts_race_into_one_team(pg_url: str) -> None:
    engine = create_engine(pg_url)
    maker = create_sessionmaker(engine)
    try:

        async def arrive(n: int) -> int:
            async with maker() as s, s.begin():
                who = Newcomer(platform="slack", external_id=f"U{n}", name=f"P{n}")
                actor = await teams.join_team_workspace(s, "T123", who)
                await asyncio.sleep(0.05)  # keep the transaction open while others arrive
                return actor.team_id

        team_ids = await asyncio.gather(*(arrive(n) for n in range(6)))
        assert len(set(team_ids)) == 1
        async with maker() as s:
            assert await s.scalar(select(func.count()).select_from(Team)) == 1
    finally:
        await engine.dispose()
