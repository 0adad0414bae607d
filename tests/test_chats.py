"""Chat binding in services: who may bind, rebind and unbind, on both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from models.db import create_engine, create_sessionmaker
from models.outbox import OutboxMessage
from services import chats, chats_news, groups, teams, teams_invites
from services.access import Actor
from services.errors import DomainError
from services.teams import Newcomer
from tests.console_driver import ConsoleDriver

CHAT = "-1001"


@dataclass
class World:
    admin: Actor
    owner: Actor  # an employee owning the group "Design"
    employee: Actor
    guest: Actor
    outsider: Actor
    sales_id: int
    design_id: int


@pytest.fixture
async def maker(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


def who(name: str) -> Newcomer:
    return Newcomer(platform="telegram", external_id=name.casefold(), name=name)


@pytest.fixture
async def world(maker: async_sessionmaker[AsyncSession]) -> World:
    async with maker() as s, s.begin():
        admin = await teams.create_team(s, who("Admin"))
        sales = await groups.create_group(s, admin, "Sales")
        code = (await teams_invites.create_invite(s, admin, role="employee")).code
        owner, _ = await teams_invites.join_with_invite(s, code, who("Owner"))
        design = await groups.create_group(s, owner, "Design")
        employee, _ = await teams_invites.join_with_invite(s, code, who("Emp"))
        guest_code = (
            await teams_invites.create_invite(s, admin, role="extranet", group_id=sales.id)
        ).code
        guest, _ = await teams_invites.join_with_invite(s, guest_code, who("Guest"))
        outsider = await teams.create_team(s, who("Other"))
        return World(admin, owner, employee, guest, outsider, sales.id, design.id)


async def test_who_may_bind(maker: async_sessionmaker[AsyncSession], world: World) -> None:
    refused = [
        (world.employee, world.design_id),  # not the owner
        (world.guest, world.sales_id),  # extranet
        (world.outsider, world.sales_id),  # another team
        (world.owner, world.sales_id),  # owns Design, not Sales
    ]
    for actor, group_id in refused:
        with pytest.raises(DomainError):
            async with maker() as s, s.begin():
                await chats.bind(s, actor, "telegram", CHAT, group_id)
    async with maker() as s, s.begin():
        group, changed = await chats.bind(s, world.owner, "telegram", CHAT, world.design_id)
        assert group.name == "Design" and changed
    async with maker() as s, s.begin():
        _, changed = await chats.bind(s, world.owner, "telegram", CHAT, world.design_id)
        assert not changed
        found = await chats.bound_group(s, world.employee, "telegram", CHAT)
        assert found is not None and found.id == world.design_id
    # who may not see the group, there, is refused: never answered as in an unbound chat
    for actor, key in (
        (world.outsider, "This chat belongs to another team"),
        (world.guest, "You are not a member of {group}"),
    ):
        with pytest.raises(DomainError) as refused:
            async with maker() as s:
                await chats.bound_group(s, actor, "telegram", CHAT)
        assert refused.value.key.startswith(key), refused.value.key


async def test_rebind_and_unbind_need_rights(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        await chats.bind(s, world.admin, "telegram", CHAT, world.sales_id)
    # the Design owner may not take over a chat bound to Sales
    with pytest.raises(DomainError):
        async with maker() as s, s.begin():
            await chats.bind(s, world.owner, "telegram", CHAT, world.design_id)
    with pytest.raises(DomainError) as other_team:
        async with maker() as s, s.begin():
            await chats.bind(s, world.outsider, "telegram", CHAT, world.sales_id)
    assert other_team.value.key != "This chat is already bound to another team's group."
    with pytest.raises(DomainError):
        async with maker() as s, s.begin():
            await chats.unbind(s, world.employee, "telegram", CHAT)
    async with maker() as s, s.begin():
        await chats.bind(s, world.admin, "telegram", CHAT, world.design_id)
        assert [b.group_id for b in await chats.group_chats(s, [world.design_id])] == [
            world.design_id
        ]
        group = await chats.unbind(s, world.owner, "telegram", CHAT)
        assert group.id == world.design_id
        assert await chats.bound_group(s, world.admin, "telegram", CHAT) is None
    with pytest.raises(DomainError) as gone:
        async with maker() as s, s.begin():
            await chats.unbind(s, world.admin, "telegram", CHAT)
    assert gone.value.key == "This chat is not bound to a group."


async def test_group_notice_is_queued_only_for_bound_groups(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with maker() as s, s.begin():
        sales = await groups.get_group(s, world.admin, world.sales_id)
        assert not await chats_news.notify_group(s, sales, kind="post", payload={"body": []})
        await chats.bind(s, world.admin, "telegram", CHAT, world.sales_id)
        assert await chats_news.notify_group(s, sales, kind="post", payload={"body": []})
        rows = (await s.execute(select(OutboxMessage))).scalars().all()
        assert [(r.group_id, r.user_id) for r in rows] == [(world.sales_id, None)]


async def test_bind_needs_a_group_chat_in_both_languages(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Sales")
    out = await boss.say("/bind Sales")
    assert "Send /bind GROUP in the group chat you want to bind." in out
    out = await boss.say("/help")
    assert "/bind" in out and "bind this group chat to a workgroup" in out
    anna = ConsoleDriver(sqlite_app, user="Анна", lang="ru")
    await anna.say("/start")
    out = await anna.say("/unbind")
    assert "Отправьте /unbind в том групповом чате, который хотите отвязать." in out


async def test_ctx_notify_group_writes_in_the_team_language(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    from handlers.core import Ctx, Services
    from handlers.events import ChatRef, Incoming
    from handlers.events import Sender as Who
    from handlers.i18n import translator
    from handlers.views import View
    from models.teams import Team

    async with maker() as s, s.begin():
        team = await s.get(Team, world.admin.team_id)
        assert team is not None
        team.locale = "ru"
        event = Incoming(
            chat=ChatRef("telegram", CHAT, private=False), sender=Who("admin", "Admin"), kind="text"
        )
        ctx = Ctx(s, event, world.admin, translator("en"), Services(), registry=None)
        sales = await groups.get_group(s, world.admin, world.sales_id)

        def build(tr: object) -> View:
            return View.text(tr.s("Unbind"))  # type: ignore[attr-defined]

        assert not await ctx.notify_group(sales, "post", build)
        await chats.bind(s, world.admin, "telegram", CHAT, world.sales_id)
        assert (await ctx.chat_group()) is not None
        # typed in the group's only chat: the reply there is all it needs
        assert not await ctx.notify_group(sales, "post", build)
        await chats.bind(s, world.admin, "telegram", "-100999", world.sales_id)
        assert await ctx.notify_group(sales, "post", build)
        row = (await s.execute(select(OutboxMessage))).scalar_one()
        assert row.payload["body"][0][0] == "Отвязать"
        assert row.payload["skip_chats"] == [["telegram", CHAT]]


async def test_private_chat_seen_reactivates_and_keeps_chat_ids(
    maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    from sqlalchemy import update

    from models.teams import Identity

    async with maker() as s, s.begin():
        await s.execute(update(Identity).where(Identity.external_id == "emp").values(active=False))
        await s.execute(
            update(Identity).where(Identity.external_id == "owner").values(chat_id=None)
        )
        await s.execute(
            update(Identity).where(Identity.external_id == "admin").values(chat_id="111")
        )
    async with maker() as s, s.begin():
        assert await chats.private_chat_seen(s, "telegram", "emp", "555")
        assert await chats.private_chat_seen(s, "telegram", "owner", "777")
        assert not await chats.private_chat_seen(s, "telegram", "admin", "999")
    async with maker() as s:
        rows = {
            i.external_id: (i.active, i.chat_id)
            for i in (await s.execute(select(Identity))).scalars()
        }
    assert rows["emp"][0] is True
    assert rows["owner"] == (True, "777")
    assert rows["admin"] == (True, "111")  # a known chat is kept
