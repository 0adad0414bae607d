"""Visibility and rights in services, as a matrix over roles, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import create_engine, create_sessionmaker
from services import groups, groups_members, teams, teams_invites, users
from services.access import Actor
from services.errors import DomainError
from services.teams import Newcomer


@dataclass
class World:
    admin: Actor
    employee: Actor
    guest: Actor
    outsider: Actor  # admin of another team
    open_id: int
    closed_id: int
    guest_group_id: int


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def who(name: str) -> Newcomer:
    return Newcomer(platform="console", external_id=name.casefold(), name=name)


@pytest.fixture
async def world(maker: async_sessionmaker[AsyncSession]) -> World:
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, who("Admin"))
        open_group = await groups.create_group(s, admin, "Open")
        closed = await groups.create_group(s, admin, "Closed", is_open=False)
        shared = await groups.create_group(s, admin, "Partners")
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        employee, _ = await teams_invites.join_with_invite(s, code, who("Emp"))
        guest_code = (
            await teams_invites.create_invite(s, admin, role="extranet", group_id=shared.id)
        ).code
        guest, _ = await teams_invites.join_with_invite(s, guest_code, who("Guest"))
        outsider = await teams.create_team(s, who("Other"))
        return World(admin, employee, guest, outsider, open_group.id, closed.id, shared.id)


VISIBLE = {
    # role -> (open, closed, partners)
    "admin": (True, True, True),
    "employee": (True, False, True),
    "guest": (False, False, True),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
async def test_group_visibility_matrix(
    maker: async_sessionmaker[AsyncSession], world: World, role: str
) -> None:
    actor = getattr(world, role)
    async with maker() as s:
        for group_id, expected in zip(
            (world.open_id, world.closed_id, world.guest_group_id), VISIBLE[role], strict=True
        ):
            try:
                await groups.get_group(s, actor, group_id)
                seen = True
            except DomainError:
                seen = False
            assert seen is expected, (role, group_id)
        listed = {g.id for g in (await groups.list_groups(s, actor, per_page=50)).items}
        assert listed == {
            gid
            for gid, ok in zip(
                (world.open_id, world.closed_id, world.guest_group_id), VISIBLE[role], strict=True
            )
            if ok
        }


async def test_writes_check_rights(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    async with maker() as s, s.begin():
        with pytest.raises(DomainError):
            await groups.create_group(s, world.guest, "Guests own")
        with pytest.raises(DomainError):
            await groups_members.join(s, world.employee, world.closed_id)
        with pytest.raises(DomainError):
            await groups.set_open(s, world.employee, world.open_id, False)
        with pytest.raises(DomainError):
            await teams_invites.create_invite(s, world.employee, role="employee")
        with pytest.raises(DomainError):
            await groups_members.add_member(
                s, world.outsider, world.open_id, world.outsider.user_id
            )
        with pytest.raises(DomainError):  # a person of another team is invisible
            await groups_members.add_member(s, world.admin, world.open_id, world.outsider.user_id)
        with pytest.raises(DomainError):
            await users.set_supervisor(
                s, world.employee, world.admin.user_id, world.employee.user_id
            )
        with pytest.raises(DomainError):  # nor their own: the admins set the structure
            await users.set_supervisor(
                s, world.employee, world.employee.user_id, world.admin.user_id
            )


async def test_guest_sees_only_group_peers(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s:
        people = {u.name for u in (await users.list_people(s, world.guest, per_page=50)).items}
        assert people == {"Admin", "Guest"}  # Emp is not in Partners
        assert await users.find_people(s, world.guest, "Emp") == []
        everyone = {u.name for u in (await users.list_people(s, world.employee, per_page=50)).items}
        assert everyone == {"Admin", "Emp", "Guest"}


async def test_supervisor_cycle_refused(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        await users.set_supervisor(s, world.admin, world.employee.user_id, world.admin.user_id)
        with pytest.raises(DomainError):
            await users.set_supervisor(s, world.admin, world.admin.user_id, world.employee.user_id)


async def test_expired_or_used_up_invite(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        invite = await teams_invites.create_invite(s, world.admin, role="employee", max_uses=1)
        await teams_invites.join_with_invite(s, invite.code, who("First"))
        with pytest.raises(DomainError):
            await teams_invites.join_with_invite(s, invite.code, who("Second"))


async def test_failed_event_saves_nothing(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    with pytest.raises(DomainError):
        async with maker() as s, s.begin():
            await groups.create_group(s, world.admin, "Half")
            await groups.create_group(
                s, world.admin, "half"
            )  # duplicate: the whole unit rolls back
    async with maker() as s:
        assert await groups.find_groups(s, world.admin, "Half") == []
