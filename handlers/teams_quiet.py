"""/team quiet: the team's default quiet hours, which hold the messages of everyone
who set none of their own (/inbox quiet), in each person's own time zone; its admins
change them. A new team has 22:00-08:00 (the workspace's default_quiet_hours)."""

from __future__ import annotations

from handlers.core import Ctx
from handlers.inbox import OFF_WORDS, hours_text
from handlers.markup import bold, join_lines
from handlers.views import View
from services import notifications_quiet, notifications_settings

WORDS = ("quiet", "тишина", "тихие")


async def quiet_command(ctx: Ctx, rest: str) -> View:
    """ "/team quiet": the team's quiet hours; "/team quiet 22:00-08:00" or "off": an
    admin changes them (the service refuses others)."""
    text = rest.strip().lower()
    first, _, after = text.partition(" ")
    if first in ("hours", "часы"):  # "/team тихие часы 22:00-08:00", as the settings say
        text = after.strip()
    if not text:
        return await _view(ctx)
    if text in OFF_WORDS:
        start: int | None = None
        end: int | None = None
    else:
        start, end = notifications_settings.parse_hours(text)
    await notifications_quiet.set_team_quiet_hours(ctx.session, ctx.me, start, end)
    return await _view(ctx, changed=True)


async def _view(ctx: Ctx, changed: bool = False) -> View:
    hours = await notifications_quiet.team_quiet_hours(ctx.session, ctx.me)
    tr = ctx.tr
    if hours is None:
        lines = [
            tr("The team has no quiet hours now.")
            if changed
            else tr("The team has no default quiet hours."),
            tr("Messages reach people who set none of their own at any hour."),
        ]
    else:
        lines = [
            tr("The team's quiet hours are now {hours}.", hours=bold(hours_text(hours)))
            if changed
            else tr("The team's quiet hours: {hours}.", hours=bold(hours_text(hours))),
            tr(
                "Messages to people who set none of their own wait until they end, "
                "in each person's time zone."
            ),
        ]
    lines.append(tr("Everyone can set their own: /inbox quiet 23:00-07:00, or /inbox quiet off."))
    if ctx.me.is_admin:
        lines.append(tr("Change them: /team quiet 22:00-08:00, or /team quiet off."))
    return View(body=join_lines(lines))
