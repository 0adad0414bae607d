"""A group chat bound to a workgroup speaks for the group: posts, polls and events
made there are the group's, and its members only hear of them."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from handlers.events import ChatRef, Incoming, Sender
from handlers.markup import to_plain
from models.outbox import OutboxMessage
from models.teams import User
from tests.console_driver import ConsoleDriver


async def test_posts_polls_and_events_in_a_bound_chat_stay_in_the_group(
    sqlite_app: App,
) -> None:
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="en")
    await anna.say("/start")
    code = re.search(r"/start (\S+)", await anna.say("/invite"))
    assert code
    for name in ("Boss", "Petr"):
        await ConsoleDriver(sqlite_app, user=name, lang="en").say(f"/start {code.group(1)}")
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
