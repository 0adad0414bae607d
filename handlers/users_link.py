"""/me link: the same person on another platform. A one-time code asked for here and
typed there (/me link CODE, or /start CODE by someone new to the bot) makes that
account theirs too."""

from __future__ import annotations

from handlers.core import Ctx
from handlers.markup import bold, code, join_lines
from handlers.views import View
from services import teams_links
from services.access import Actor


async def code_view(ctx: Ctx) -> View:
    """A fresh code, the person's alone, with what to do with it."""
    fresh = await teams_links.new_code(ctx.session, ctx.me)
    minutes = int(teams_links.CODE_TTL.total_seconds() // 60)
    lines = [
        ctx.tr("Your link code: {code}", code=code(fresh)),
        ctx.tr.n(
            "On your other account (Telegram, Slack or the console), within {n} minute, "
            "send {command} (or {start} if the bot does not know you there yet): it "
            "becomes yours too, with your tasks and everything else.",
            "On your other account (Telegram, Slack or the console), within {n} minutes, "
            "send {command} (or {start} if the bot does not know you there yet): it "
            "becomes yours too, with your tasks and everything else.",
            minutes,
            command=code(f"/me link {fresh}"),
            start=code(f"/start {fresh}"),
        ),
        ctx.tr("The code works once. Keep it to yourself: whoever types it becomes you."),
    ]
    return View(body=join_lines(lines), private=True)


async def link_here(ctx: Ctx, typed: str) -> View:
    """This account becomes the person's whose code was typed."""
    ev = ctx.event
    account = teams_links.Account(
        platform=ev.platform,
        external_id=ev.sender.external_id,
        chat_id=ev.chat.chat_id if ev.chat.private else None,
        team_key=ev.sender.team_key,
    )
    user = await teams_links.link_account(ctx.session, typed, account)
    ctx.retranslate(Actor.of(user))
    return View(
        body=join_lines(
            [
                ctx.tr(
                    "Linked: this account is now {name}'s, with everything of theirs.",
                    name=bold(user.name),
                ),
                ctx.tr("Send /tasks to see your tasks, or /menu for the sections."),
            ]
        ),
        private=True,
    )
