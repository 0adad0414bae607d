"""A group chat bound to a workgroup speaks for the group: posts, polls and events
made there are the group's, and its members only hear of them."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.events import ChatRef, Incoming, Sender
from handlers.markup import to_plain
from models.outbox import OutboxMessage
from models.teams import User
from tests.console_driver import ConsoleDriver, invite_code


async def test_posts_polls_and_events_in_a_bound_chat_stay_in_the_group(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = invite_code(await anna.say("/invite"))
    for name in ("Boss", "Petr"):
        await ConsoleDriver(sqlite_app, user=name, lang="en").say(f"/start {code}")
    await anna.say("/groups new Secret closed")
    await anna.say("/groups add Secret Boss")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-secret", private=False)
    sender = Sender(external_id="anna", name="Anna")

    async def say(command: str, args: str = "") -> str:
        views = await ws.handle(
            Incoming(chat=chat, sender=sender, kind="command", command=command, args=args)
        )
        return "\n".join(to_plain(v.body) for v in views)

    await say("bind", "Secret")
    out = await say("post", "Salary review results are in")
    assert "Posted; it reached 1 person." in out  # Boss, the group's other member
    out = await say("poll", "Offsite? | Yes | No")
    out = await say("event", "Secret sync tomorrow 10:00")
    assert "Group: Secret" in out
    out = await say("events")
    assert "Secret sync" in out

    async with ws.sessionmaker() as session:
        rows = await session.execute(
            select(User.name, OutboxMessage.payload)
            .join(User, User.id == OutboxMessage.user_id)
            .where(OutboxMessage.kind.in_(("post", "invitation")))
        )
        reached = {name for name, _payload in rows.all()}
    assert reached == {"Boss"}  # Secret's other member; not Petr
    out = await ConsoleDriver(sqlite_app, user="Petr", lang="en").say("/feed")
    assert "Salary review" not in out and "Offsite?" not in out


async def test_times_in_a_group_chat_name_their_zone(sqlite_app: App) -> None:
    """A group chat's people live anywhere: the times it is shown name their zone;
    a private chat's are the reader's own and stay bare."""
    from handlers.views import View

    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en", timezone="Europe/Berlin")
    await anna.say("/start")
    await anna.say("/groups new Design")
    ws = sqlite_app.workspace
    chat = ChatRef(platform="console", chat_id="room-design", private=False)
    sender = Sender(external_id="anna", name="Anna")
    views = await ws.handle(
        Incoming(chat=chat, sender=sender, kind="command", command="bind", args="Design")
    )
    views = await ws.handle(
        Incoming(
            chat=chat, sender=sender, kind="command", command="event", args="Review tomorrow 10:00"
        )
    )
    shown = "\n".join(to_plain(v.body) for v in views)
    assert "When: tomorrow 10:00–11:00 (CET)" in shown, shown  # in the chat it was typed in
    out = await anna.say("/event Retro tomorrow 15:00 #Design")
    assert "When: tomorrow 15:00–16:00\n" in out, out  # her own chat: her own zone
    async with ws.sessionmaker() as session:
        rows = (
            (
                await session.execute(
                    select(OutboxMessage.payload).where(OutboxMessage.user_id.is_(None))
                )
            )
            .scalars()
            .all()
        )
    notices = [to_plain(View.from_dict(p).body) for p in rows]
    assert any(
        "Anna plans Retro for the group, tomorrow 15:00–16:00 (CET). Will you come?" in n
        for n in notices
    ), notices  # no "invites you" to a whole chat
