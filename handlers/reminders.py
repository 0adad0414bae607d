"""/reminders: the morning message, the daily report prompt and deadline reminders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router
from handlers.i18n import N_, Translator
from handlers.markup import bold, join_lines
from handlers.views import Button, View
from models import db
from services import reminders
from services.errors import N_ as _N
from services.errors import DomainError

router = Router(__name__)
ORDER = 64


def _offsets_text(tr: Translator, offsets: list[int]) -> str:
    if not offsets:
        return tr.s("off")
    return ", ".join(tr.duration(timedelta(minutes=m)) for m in offsets)


async def reminders_view(ctx: Ctx) -> View:
    rules = await reminders.rules_of(ctx.session, ctx.me)  # an extranet member's: the morning
    settings = await reminders.settings_of(ctx.session, ctx.me.user_id)
    names = {"morning": ctx.tr.s("Morning “my day”"), "report": ctx.tr.s("Daily report prompt")}
    lines: list[Any] = [bold(ctx.tr.s("Reminders"))]
    view = View()
    for rule in rules:
        at = f"{rule.minute // 60:02d}:{rule.minute % 60:02d}"
        state = ctx.tr.s("on") if rule.active else ctx.tr.s("off")
        lines.append(ctx.tr("{name}: {time}, {state}", name=names[rule.kind], time=at, state=state))
        view.row(
            Button(
                ctx.tr.s("Turn off: {name}", name=names[rule.kind])
                if rule.active
                else ctx.tr.s("Turn on: {name}", name=names[rule.kind]),
                f"rm:t:{rule.kind[:1]}",
            )
        )
    lines.append(
        ctx.tr("Before deadlines: {list}", list=_offsets_text(ctx.tr, settings.deadline_offsets))
    )
    lines.append(ctx.tr("Change: /reminders deadline 1d 2h (or off)"))
    view.body = join_lines(lines)
    return view


@router.command(
    "reminders",
    help=N_("your reminders: morning, daily report, deadlines"),
    usage=N_("/reminders [deadline 1d 1h|off]"),
    by_role={
        "extranet": (
            N_("your reminders: morning, task deadlines"),
            N_("/reminders [deadline 1d 1h|off]"),
        )
    },
    personal=True,
)
async def reminders_command(ctx: Ctx) -> Any:
    word, _, rest = ctx.args.strip().partition(" ")
    if not word:
        return await reminders_view(ctx)
    if word.lower() in ("deadline", "deadlines", "дедлайн", "срок"):
        await reminders.set_offsets(ctx.session, ctx.me, reminders.parse_offsets(rest))
        return await reminders_view(ctx)
    if word.lower() in ("off", "выкл") and not rest:  # as the usage reads: deadline ones
        await reminders.set_offsets(ctx.session, ctx.me, [])
        return await reminders_view(ctx)
    raise unknown_action(word, "reminders")


@router.profile_changed
async def follow_my_zone(ctx: Ctx) -> None:
    """The morning message and the report prompt come at the new zone's hours at once,
    not after the old zone's next one."""
    from models.teams import User

    user = await db.get(ctx.session, User, ctx.me.user_id)
    if user is not None:
        await reminders.sync_rules(ctx.session, user)


@router.action("rm", personal=True)
async def reminders_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else ""
    if verb == "t" and len(ctx.action_args) > 1:
        kind = {"m": "morning", "r": "report"}.get(ctx.action_args[1], "")
        rules = {r.kind: r for r in await reminders.rules_of(ctx.session, ctx.me)}
        if kind not in rules:
            raise DomainError(_N("There is no such reminder."))
        await reminders.set_rule_active(ctx.session, ctx.me, kind, not rules[kind].active)
    view = await reminders_view(ctx)
    view.edit = True
    return view
