"""The person's home (Slack's App Home tab): their day (/today, else /menu) and where to
start from: a new task, their tasks."""

from __future__ import annotations

from handlers.core import Ctx, Reply, Router
from handlers.i18n import N_
from handlers.views import Button, View

router = Router(__name__)


@router.command("home", help=N_("your day and where to start"), hidden=True, personal=True)
async def home_command(ctx: Ctx) -> Reply:
    spec = ctx.registry.commands.get("today") or ctx.registry.commands.get("menu")
    reply = await spec.handler(ctx) if spec is not None else None
    views = [reply] if isinstance(reply, View) else list(reply or [])
    if "tc" not in ctx.registry.actions or "tl" not in ctx.registry.actions:  # no tasks area
        return views
    # under the day's last message, not as a message of buttons alone
    last = views[-1] if views and views[-1].image is None and views[-1].file is None else None
    if last is None:
        last = View(body=[])
        views.append(last)
    last.row(Button(ctx.tr.s("New task"), "tc"), Button(ctx.tr.s("My tasks"), "tl:d:1"))
    return views
