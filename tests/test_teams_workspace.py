"""A Slack workspace is one team, even when its first people arrive at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from models.db import create_engine, create_sessionmaker
from models.teams import Team, User
from services import teams, teams_identity, teams_invites
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


async def test_two_admins_demoting_each_other_at_once_leave_one(db_url: str) -> None:
    """Each sees the other as an admin when it starts; the team still keeps one."""
    from services.errors import DomainError

    def person(name: str, chat: str) -> Newcomer:
        return Newcomer(platform="telegram", external_id=chat, name=name, chat_id=chat)

    engine = create_engine(db_url)
    maker = create_sessionmaker(engine)
    try:
        async with maker() as s, s.begin():
            first = await teams.create_team(s, person("A1", "1"))
            code = (await teams_invites.create_invite(s, first, role="employee")).code
            second, _ = await teams_invites.join_with_invite(s, code, person("A2", "2"))
            await teams.set_role(s, first, second.user_id, "admin")
        started = asyncio.Event()
        outcomes: list[str] = []

        async def demote(me: str, other: str) -> None:
            try:
                async with maker() as s, s.begin():
                    actor = await teams_identity.resolve_actor(s, "telegram", me)
                    target = await teams_identity.resolve_actor(s, "telegram", other)
                    assert actor is not None and target is not None
                    await teams.set_role(s, actor, target.user_id, "employee")
                    started.set()
                    await asyncio.sleep(0.2)  # both are in their transactions now
                outcomes.append("demoted")
            except (DomainError, Exception) as exc:  # refused, or the engine's own refusal
                outcomes.append(type(exc).__name__)

        await asyncio.gather(demote("1", "2"), demote("2", "1"))
        async with maker() as s:
            admins = await s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.active.is_(True))
            )
    finally:
        await engine.dispose()
    assert admins == 1, outcomes
    assert outcomes.count("demoted") == 1
