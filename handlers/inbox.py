"""/inbox: the notification centre — unread notifications with buttons to open the
item, mark read, mute one item; per-kind settings, digest mode and quiet hours."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.common import unknown_action
from handlers.core import Ctx, Router, pager_row
from handlers.forms import Field, Form
from handlers.i18n import N_
from handlers.markup import Span, bold, join_lines, to_plain
from handlers.views import Button, View
from models import db
from models.notifications import Notification
from services import inbox_center, notifications_quiet, notifications_settings
from services.errors import N_ as _N
from services.errors import DomainError, NotFound

router = Router(__name__)
ORDER = 80

PREVIEW = 70
KIND_NAMES = {
    "assignment": N_("assignments"),
    "mention": N_("mentions"),
    "comment": N_("comments"),
    "status": N_("status changes"),
    "stage": N_("stage changes"),
    "invitation": N_("invitations"),
    "event": N_("event changes"),
    "approval": N_("approvals"),
    "post": N_("posts"),
    "like": N_("likes"),
    "reminder": N_("reminders"),
}
ICONS = {
    "mention": "@",
    "comment": "💬",
    "invitation": "📅",
    "reminder": "⏰",
    "post": "📰",
    "like": "👍",
    "event": "📅",
}


def preview(row: Notification) -> str:
    text = to_plain(View.from_dict(row.payload).body).replace("\n", " ").strip()
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


async def list_view(ctx: Ctx, page_no: int) -> View:
    page = await inbox_center.unread(
        ctx.session, ctx.me, page=page_no, per_page=ctx.services.page_size
    )
    lines: list[Any] = [
        [bold(ctx.tr.s("Inbox")), Span(" "), *ctx.tr.n("({n} unread)", "({n} unread)", page.total)]
    ]
    if not page.items:
        lines.append(ctx.tr("Nothing new. Everything is read."))
    view = View()
    closed = await inbox_center.closed(ctx.session, ctx.me, page.items)
    for number, row in enumerate(page.items, start=(page.page - 1) * ctx.services.page_size + 1):
        text = (
            ctx.tr.s("(about something no longer open to you)")
            if row.id in closed
            else preview(row)
        )
        # most messages start with their own icon; others get the kind's
        icon = "" if text[:1] and not text[0].isalnum() else ICONS.get(row.kind, "🔔") + " "
        lines.append(
            [
                Span(f"{number}. {icon}"),
                Span(text),
                Span(f" · {ctx.tr.when(row.created_at)}"),
            ]
        )
        buttons = [
            Button(ctx.tr.s("Open {n}", n=number), f"nb:o:{row.id}"),
            Button("✓", f"nb:r:{row.id}:{page.page}"),
        ]
        if row.ref and row.id not in closed:  # nothing more comes about a deleted item
            buttons.append(Button("🔕", f"nb:mu:{row.id}"))
        view.row(*buttons)
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, "nb:l"))
    controls = [Button(ctx.tr.s("Settings"), "nb:s")]
    if page.items:
        controls.insert(0, Button(ctx.tr.s("Mark all read"), "nb:a"))
    view.row(*controls)
    return view


def hours_text(hours: notifications_quiet.QuietHours) -> str:
    """22:00–08:00"""
    start, end = hours.quiet_start, hours.quiet_end
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"


async def settings_view(ctx: Ctx) -> View:
    prefs = await notifications_settings.settings_of(ctx.session, ctx.me.user_id)
    tr = ctx.tr
    digest_names = {
        "off": tr.s("each one at once"),
        "hourly": tr.s("hourly digest"),
        "daily": tr.s("daily digest"),
    }
    lines: list[Any] = [[bold(tr.s("Notification settings"))]]
    lines.append(tr("Delivery: {mode}", mode=digest_names.get(prefs.digest, prefs.digest)))
    quiet = await notifications_quiet.my_quiet_hours(ctx.session, ctx.me)
    if quiet is not None and quiet.team:
        lines.append(tr("Quiet hours: {hours} (team default)", hours=hours_text(quiet)))
    elif quiet is not None:
        lines.append(tr("Quiet hours: {hours}", hours=hours_text(quiet)))
    elif notifications_quiet.follows_team(prefs):
        lines.append(tr("Quiet hours: none (team default)"))
    else:
        lines.append(tr("Quiet hours: none"))
    muted = [tr.s(KIND_NAMES[k]) for k in prefs.muted_kinds or [] if k in KIND_NAMES]
    lines.append(tr("Muted: {kinds}", kinds=", ".join(muted) if muted else tr.s("nothing")))
    view = View(body=join_lines(lines))
    view.row(
        *[
            Button(("• " if prefs.digest == mode else "") + label, f"nb:d:{mode}")
            for mode, label in digest_names.items()
        ]
    )
    kinds = list(KIND_NAMES)
    for start in range(0, len(kinds), 3):
        view.row(
            *[
                Button(
                    ("🔕 " if k in (prefs.muted_kinds or []) else "🔔 ") + tr.s(KIND_NAMES[k]),
                    f"nb:k:{k}:{'u' if k in (prefs.muted_kinds or []) else 'm'}",
                )
                for k in kinds[start : start + 3]
            ]
        )
    view.row(Button(tr.s("Quiet hours"), "nb:q"), Button(tr.s("Back"), "nb:l:1"))
    return view


async def open_item(ctx: Ctx, row: Notification) -> Any:
    """Open what a notification is about through its area's command ("task:12" -> /task 12)."""
    await inbox_center.mark_read(ctx.session, ctx.me, row.id)
    if row.ref:
        await inbox_center.mark_ref_read(ctx.session, ctx.me, row.ref)
        if await inbox_center.closed(ctx.session, ctx.me, [row]):
            return gone_view(ctx)
        kind, _, item = row.ref.partition(":")
        item = item.partition(":")[0]  # "task:12:345", a comment on #12: the task
        spec = ctx.registry.commands.get(kind)
        if spec is not None and item.isdigit() and ctx.me.role in spec.roles:
            ctx.event = replace(ctx.event, kind="command", command=kind, args=item)
            try:  # an item gone since: said, and the notification stays read
                async with ctx.session.begin_nested():
                    return await spec.handler(ctx)
            except NotFound:
                return gone_view(ctx)
    return View.from_dict(row.payload)


def gone_view(ctx: Ctx) -> View:
    view = View(
        body=ctx.tr(
            "This item was deleted, or it is no longer open to you. "
            "The notification is marked read."
        )
    )
    return view.row(Button(ctx.tr.s("Inbox"), "nb:l:1"))


@router.command(
    "inbox",
    help=N_("notifications: unread, settings, digest, quiet hours"),
    usage=N_("/inbox [settings|read|quiet 22:00-08:00|off|team|digest off|hourly|daily]"),
    personal=True,
)
async def inbox_command(ctx: Ctx) -> Any:
    word, _, rest = ctx.args.strip().partition(" ")
    word = word.lower()
    if not word:
        return await list_view(ctx, 1)
    if word in ("settings", "настройки"):
        return await settings_view(ctx)
    if word in ("read", "прочитано"):
        count = await inbox_center.mark_all_read(ctx.session, ctx.me)
        return View(
            body=ctx.tr.n("{n} notification marked read.", "{n} notifications marked read.", count)
        )
    if word in ("тихие", "quiet") and rest.split(" ", 1)[0].lower() in ("часы", "hours"):
        word, rest = "quiet", rest.partition(" ")[2]  # as the settings name them
    if word in ("quiet", "тишина"):
        await _set_quiet(ctx, rest)
        return await settings_view(ctx)
    if word in ("digest", "дайджест", "сводка"):
        modes = {
            "off": "off",
            "выкл": "off",
            "нет": "off",
            "hourly": "hourly",
            "час": "hourly",
            "ежечасно": "hourly",
            "daily": "daily",
            "день": "daily",
            "ежедневно": "daily",
            "ежедневная": "daily",
        }
        mode = modes.get(rest.strip().lower())
        if mode is None:
            raise DomainError(_N("Digest mode is off, hourly or daily."))
        await notifications_settings.set_digest(ctx.session, ctx.me, mode)
        return await settings_view(ctx)
    raise unknown_action(word, "inbox")


@router.profile_changed
async def follow_my_quiet_hours(ctx: Ctx) -> None:
    """What quiet hours hold waits for the new quiet hours, in the new zone, or goes at
    once when it is no longer quiet."""
    from models.teams import User

    user = await db.get(ctx.session, User, ctx.me.user_id)
    if user is not None:
        await notifications_quiet.follow_quiet_hours(ctx.session, user)


OFF_WORDS = ("off", "-", "выкл", "нет", "none")
# the team's default quiet hours again, instead of the person's own
TEAM_WORDS = ("team", "default", "команды", "команда", "общие")


async def _set_quiet(ctx: Ctx, raw: str) -> None:
    ctx.profile_changed = True  # what waits to be sent waits for the new quiet hours
    text = raw.strip().lower()
    if text in OFF_WORDS:  # none at all, not even the team's
        await notifications_settings.set_quiet_hours(ctx.session, ctx.me, None, None)
    elif text in TEAM_WORDS:
        await notifications_settings.use_team_quiet_hours(ctx.session, ctx.me)
    else:
        start, end = notifications_settings.parse_hours(text)
        await notifications_settings.set_quiet_hours(ctx.session, ctx.me, start, end)


@router.action("nb", personal=True)
async def inbox_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "l"
    if verb == "l":
        view = await list_view(ctx, ctx.page_arg(1))
        view.edit = True
        return view
    if verb == "a":
        await inbox_center.mark_all_read(ctx.session, ctx.me)
        view = await list_view(ctx, 1)
        view.edit = True
        return view
    if verb == "s":
        view = await settings_view(ctx)
        view.edit = True
        return view
    if verb == "d":
        await notifications_settings.set_digest(
            ctx.session, ctx.me, ctx.action_args[1] if len(ctx.action_args) > 1 else ""
        )
        view = await settings_view(ctx)
        view.edit = True
        return view
    if verb == "k":
        wanted = ctx.action_args[2] if len(ctx.action_args) > 2 else ""
        await notifications_settings.toggle_kind(
            ctx.session,
            ctx.me,
            ctx.action_args[1] if len(ctx.action_args) > 1 else "",
            {"m": True, "u": False}.get(wanted),  # what the button was drawn for
        )
        view = await settings_view(ctx)
        view.edit = True
        return view
    if verb == "q":
        return await ctx.start_form("inbox_quiet")
    row = await inbox_center.get(ctx.session, ctx.me, ctx.int_arg(1))
    if verb == "o":
        return await open_item(ctx, row)
    if verb == "r":
        await inbox_center.mark_read(ctx.session, ctx.me, row.id)
        view = await list_view(ctx, ctx.page_arg(2))
        view.edit = True
        return view
    if verb in ("mu", "um") and row.ref:
        await notifications_settings.mute_item(ctx.session, ctx.me, row.ref, muted=verb == "mu")
        await inbox_center.mark_ref_read(ctx.session, ctx.me, row.ref)
        if verb == "mu":
            return View(
                body=ctx.tr(
                    "Muted: you will not be notified about this item any more, unless someone "
                    "mentions you."
                ),
            ).row(
                Button(ctx.tr.s("Unmute"), f"nb:um:{row.id}"), Button(ctx.tr.s("Inbox"), "nb:l:1")
            )
        return View(body=ctx.tr("Unmuted: notifications about this item will come again."))
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


async def _parse_quiet(ctx: Ctx, raw: str) -> str:
    text = raw.strip().lower()
    if text not in OFF_WORDS and text not in TEAM_WORDS:
        notifications_settings.parse_hours(text)
    return text


async def _quiet_choices(ctx: Ctx) -> list[tuple[str, str]]:
    return [
        ("22:00-08:00", "22:00-08:00"),
        (ctx.tr.s("No quiet hours"), "off"),
        (ctx.tr.s("Team default"), "team"),
    ]


async def _submit_quiet(ctx: Ctx, values: dict[str, Any]) -> View:
    await _set_quiet(ctx, values["hours"])
    return await settings_view(ctx)


router.form(
    Form(
        name="inbox_quiet",
        title=N_("Quiet hours"),
        fields=[
            Field(
                "hours",
                N_("Quiet hours, in your time zone? For example 22:00-08:00, or off."),
                _parse_quiet,
                choices=_quiet_choices,
            )
        ],
        submit=_submit_quiet,
    )
)
