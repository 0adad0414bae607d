"""/event and /events: the agenda, invitations, changes, comments and reminders (events
made from a line of text: handlers.calendar_create)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.calendar_answers import answer_view
from handlers.calendar_changes import FORMS, cancel_view
from handlers.calendar_comments import FORMS as COMMENT_FORMS
from handlers.calendar_comments import add_comment
from handlers.calendar_create import card_here, create_from_text
from handlers.calendar_following import FORMS as FOLLOWING_FORMS
from handlers.calendar_following import cancel_following_question, cancel_following_view
from handlers.calendar_input import event_forms
from handlers.calendar_reminders import queue_event_reminders
from handlers.calendar_views import (
    agenda_line,
    card_view,
    comments_view,
    week_png,
)
from handlers.core import Ctx, Router, pager_row
from handlers.groups_input import group_question, resolve_group
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold, join_lines
from handlers.numbered import COMMENT, by_buttons, numbered
from handlers.views import Attachment, Button, View
from models.base import utcnow
from services import (
    calendar,
    calendar_answers,
    calendar_comments,
    calendar_reminders,
)
from services.calendar_parse import parse_start
from services.errors import N_ as _N
from services.errors import DomainError
from services.pagination import Page

router = Router(__name__)
ORDER = 65

# the spans people name, in /events and /slots ("на этой неделе", "next week")
RANGES = {
    "t": ("today", "сегодня"),
    "w": (
        "week",
        "this week",
        "неделя",
        "неделю",
        "эта неделя",
        "эту неделю",
        "на этой неделе",
        "на неделе",
    ),
    "n": (
        "next",
        "next week",
        "следующая",
        "следующая неделя",
        "следующую неделю",
        "на следующей неделе",
        "след неделе",
        "след. неделе",
        "след неделя",
        "след неделю",
    ),
}


def day_start(tr: Translator, moment: datetime) -> datetime:
    local = moment.astimezone(tr.zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def range_bounds(tr: Translator, code: str) -> tuple[datetime, datetime]:
    """t: today, w: this week, n: next week, dYYYYMMDD: that day (the reader's zone)."""
    today = day_start(tr, datetime.now(UTC))
    if code.startswith("d") and len(code) == 9 and code[1:].isdigit():
        try:
            day = datetime.strptime(code[1:], "%Y%m%d").replace(tzinfo=tr.zone())
        except ValueError:
            day = today
        end = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=tr.zone())
        return day.astimezone(UTC), end.astimezone(UTC)
    if code == "t":
        return today.astimezone(UTC), (today + timedelta(days=1)).astimezone(UTC)
    monday = today - timedelta(days=today.weekday())
    if code == "n":
        monday += timedelta(days=7)
    # local midnights, so a DST change inside the week stays exact
    end = (monday.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=tr.zone())
    return monday.astimezone(UTC), end.astimezone(UTC)


_RANGE_TITLES = {"t": N_("Today"), "w": N_("This week"), "n": N_("Next week")}


def range_title(tr: Translator, code: str, start: datetime) -> str:
    """The span a list covers, named: "This week", or the day ("1 Dec 2026")."""
    return tr.s(_RANGE_TITLES[code]) if code in _RANGE_TITLES else tr.date(start)


async def agenda_view(ctx: Ctx, code: str, page_no: int) -> View:
    start, end = range_bounds(ctx.tr, code)
    occs = await calendar.occurrences(ctx.session, ctx.me, start, end)
    per = ctx.services.page_size
    page = Page.of(occs, page_no, per)
    answers = await calendar_answers.my_answers(ctx.session, ctx.me, page.items)
    title = range_title(ctx.tr, code, start)
    lines: list[Any] = [[bold(title), Span(f" ({len(occs)})")]]
    if not occs:
        lines.append(ctx.tr("Nothing planned. Add an event: /event Standup tomorrow 10:00 15m"))
    view = View()
    for occ in page.items:
        lines.append(agenda_line(ctx.tr, occ, answers.get((occ.series_id, occ.key))))
        key = f":{occ.key}" if occ.recurring else ""
        view.row(Button(f"📅 {occ.event.title}"[:60], f"ev:o:{occ.series_id}{key}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"ev:a:{code}"))
    view.row(
        Button(ctx.tr.s("Today"), "ev:a:t:1"),
        Button(ctx.tr.s("This week"), "ev:a:w:1"),
        Button(ctx.tr.s("Next week"), "ev:a:n:1"),
        Button(ctx.tr.s("Picture"), f"ev:p:{'n' if code == 'n' else 'w'}"),
    )
    return view


async def picture_view(ctx: Ctx, code: str) -> View:
    start, end = range_bounds(ctx.tr, code)
    occs = await calendar.occurrences(ctx.session, ctx.me, start, end, include_declined=False)
    png = week_png(ctx.tr, occs, start.astimezone(ctx.tr.zone()))
    view = View(body=ctx.tr("Your week: {n} events.", n=str(len(occs))))
    view.image = Attachment("week.png", png, "image/png")
    return view


@router.command(
    "event",
    help=N_("plan an event: title, time, length, @people, #group"),
    usage=N_("/event Standup tomorrow 10:00 30m @anna #sales"),
)
async def event_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    if not text:
        return await ctx.start_form("event_new")
    if (found := numbered(text)) is None:
        return await create_from_text(ctx, text)
    # /event 12 (its card), /event 12 comment TEXT; an event the person does not see is
    # not found, and other actions after its number are its card's buttons'
    if found.verb in COMMENT and found.arg:
        return await add_comment(ctx, found.number, found.arg)
    occ = await calendar.get_occurrence(ctx.session, ctx.me, found.number, None)
    return await card_here(
        ctx, occ, by_buttons(ctx, await card_view(ctx, occ)) if found.verb else None
    )


@router.profile_changed
async def requeue_my_reminders(ctx: Ctx) -> None:
    """The person's reminders already queued follow their new lead time, and their new
    language, zone and quiet hours (their texts and quiet delay are made when queued)."""
    await calendar_reminders.drop_person_reminders(ctx.session, ctx.me.user_id)
    now = utcnow()
    coming = await calendar.occurrences(
        ctx.session, ctx.me, now, now + calendar_reminders.REMIND_AHEAD, include_declined=False
    )
    done: set[int] = set()
    for occ in coming:
        if occ.series_id not in done:
            done.add(occ.series_id)
            await queue_event_reminders(ctx.session, occ.event)


@router.command(
    "events",
    help=N_("your agenda: today, this week, a week picture"),
    usage=N_("/events [today|week|next|picture|remind MINUTES|#group]"),
    lists=True,
)
async def events_command(ctx: Ctx) -> Any:
    word, _, rest = ctx.args.strip().partition(" ")
    word = word.lower()
    if word in ("remind", "напоминать", "напоминание"):
        if re.fullmatch(r"[-+−]\s*\d+", rest.strip()):  # "-5": out of range, said so
            raise DomainError(
                _N("Give the minutes before an event, from 0 (no reminders) to 10080.")
            )
        if not rest.strip().isdigit():
            current = await calendar_reminders.remind_minutes(ctx.session, ctx.me.user_id)
            if current == 0:
                return View(body=ctx.tr("Event reminders are off. Turn them on: /events remind 15"))
            return View(
                body=ctx.tr(
                    "Reminders come {n} min before events. Change: /events remind 30 (0 turns them off).",
                    n=str(current),
                )
            )
        minutes = await calendar_reminders.set_remind_minutes(
            ctx.session, ctx.me, int(rest.strip())
        )
        await requeue_my_reminders(ctx)
        if minutes == 0:
            return View(body=ctx.tr("Event reminders are off. Turn them on: /events remind 15"))
        return View(body=ctx.tr("Reminders will come {n} min before events.", n=str(minutes)))
    if word in ("picture", "png", "картинка"):
        return ctx.for_me(await picture_view(ctx, "w"))
    if word.startswith("#"):
        group, _ = await resolve_group(ctx, ctx.args.strip(), to_read=True)
        return await group_agenda(ctx, group.id)
    said = " ".join(ctx.args.lower().split())
    for code, words in RANGES.items():
        if said in words:
            return ctx.for_me(await agenda_view(ctx, code, 1))
    if word:
        try:
            day = parse_start(ctx.args, ctx.me.locale, ctx.me.timezone)
        except DomainError:
            raise DomainError(
                _N("Say today, week, next or a date: /events week, /events 31.12")
            ) from None
        return ctx.for_me(
            await agenda_view(ctx, day.astimezone(ctx.tr.zone()).strftime("d%Y%m%d"), 1)
        )
    bound = await ctx.chat_group()
    if bound is not None:  # a bound group chat shows its group's calendar, not one person's
        return await group_agenda(ctx, bound.id)
    return await agenda_view(ctx, "t", 1)


async def group_agenda(ctx: Ctx, group_id: int, page_no: int = 1) -> View:
    """A group's next four weeks. In the group's own chat it is everyone's message there,
    whoever asked or turned its page: all of it, in the team's language and zone, with
    nobody's own answers; someone outside the group, who would see only their part of
    it, gets that privately (as anyone asking in another shared chat)."""
    return await ctx.for_the_group(
        group_id, lambda everyone: _group_agenda(ctx, group_id, page_no, everyone)
    )


async def _group_agenda(ctx: Ctx, group_id: int, page_no: int, everyone: bool = False) -> View:
    start, _ = range_bounds(ctx.tr, "w")
    end = start + timedelta(days=28)
    occs = await calendar.occurrences(ctx.session, ctx.me, start, end, group_id=group_id)
    per = ctx.services.page_size
    page = Page.of(occs, page_no, per)
    answers = {} if everyone else await calendar_answers.my_answers(ctx.session, ctx.me, page.items)
    lines: list[Any] = [ctx.tr("Group calendar, four weeks ({n})", n=str(len(occs)))]
    if not occs:  # what to do about it, as a person's empty calendar says
        lines.append(ctx.tr("Nothing planned. Add an event: /event Standup tomorrow 10:00 15m"))
    view = View()
    for occ in page.items:
        lines.append(agenda_line(ctx.tr, occ, answers.get((occ.series_id, occ.key))))
        key = f":{occ.key}" if occ.recurring else ""
        view.row(Button(f"📅 {occ.event.title}"[:60], f"ev:o:{occ.series_id}{key}"))
    view.body = join_lines(lines)
    view.row(*pager_row(ctx, page, f"ev:g:{group_id}"))
    return view


def _key(ctx: Ctx, index: int) -> int | None:
    return ctx.int_arg(index) if len(ctx.action_args) > index else None


@router.action("ev")
async def events_action(ctx: Ctx) -> Any:
    verb = ctx.action_args[0] if ctx.action_args else "a"
    if verb == "a":
        code = ctx.action_args[1] if len(ctx.action_args) > 1 else "t"
        if code not in RANGES and not (code.startswith("d") and code[1:].isdigit()):
            code = "t"
        view = await agenda_view(ctx, code, ctx.page_arg(2))
        view.edit = True
        return ctx.for_me(view)
    if verb == "p":
        code = "n" if ctx.action_args[1:2] == ["n"] else "w"
        return ctx.for_me(await picture_view(ctx, code))
    event_id = ctx.int_arg(1)
    if verb == "g":
        view = await group_agenda(ctx, event_id, ctx.page_arg(2))
        view.edit = not view.private  # the chat's own list turns its page in place
        return view
    if verb == "o":  # the presser's own card: their answer, zone and buttons
        return ctx.for_me(
            await card_view(
                ctx, await calendar.get_occurrence(ctx.session, ctx.me, event_id, _key(ctx, 2))
            )
        )
    if verb in ("y", "n", "m"):  # one person's answer: told to them alone
        status = {"y": "yes", "n": "no", "m": "maybe"}[verb]
        return ctx.for_me(await answer_view(ctx, event_id, status, _key(ctx, 2)))
    if verb == "cm":
        event, page = await calendar_comments.comment_page(
            ctx.session, ctx.me, event_id, ctx.page_arg(2), ctx.services.page_size
        )
        series_id = event.parent_id or event.id
        view = comments_view(ctx, event.title, page, f"ev:cm:{series_id}", f"ev:o:{series_id}")
        view.edit = True
        return view
    if verb == "c":
        await calendar.get_event_to_change(ctx.session, ctx.me, event_id)
        return await ctx.start_form("event_comment", {"event_id": event_id})
    if verb == "sh":
        await calendar.get_event(ctx.session, ctx.me, event_id)
        return await ctx.start_form("share", {"ref": f"event:{event_id}"})
    if verb == "mv":
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await ctx.start_form("event_move", {"event_id": event_id, "key": _key(ctx, 2)})
    if verb == "ma":  # every date of a series, by as much as this one
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await ctx.start_form("event_move_all", {"event_id": event_id, "key": _key(ctx, 2)})
    if verb == "mf":  # this date and every later one: the series split there
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await ctx.start_form(
            "event_move_following", {"event_id": event_id, "key": _key(ctx, 2)}
        )
    if verb == "ed":
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await ctx.start_form("event_edit", {"event_id": event_id})
    if verb == "ef":  # the texts of this date and every later one: the series split there
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await ctx.start_form(
            "event_edit_following", {"event_id": event_id, "key": _key(ctx, 2)}
        )
    if verb == "xf":  # this date and every later one: asked once, it cannot be undone
        await calendar.get_editable(ctx.session, ctx.me, event_id)
        return await cancel_following_question(ctx, event_id, _key(ctx, 2))
    if verb == "xfy":
        return await cancel_following_view(ctx, event_id, _key(ctx, 2))
    if verb == "xs":  # the whole event or series: asked once, it cannot be undone
        event = await calendar.get_editable(ctx.session, ctx.me, event_id)
        view = View(
            body=ctx.tr(
                "Cancel {title} for everyone? All its dates go, and the people invited are told.",
                title=bold(event.title),
            )
        )
        return view.row(
            Button(ctx.tr.s("Yes, cancel it"), f"ev:xy:{event.id}"),
            Button(ctx.tr.s("Keep it"), f"ev:o:{event.id}"),
        )
    if verb in ("x", "xy"):
        return await cancel_view(ctx, event_id, _key(ctx, 2), whole=verb == "xy")
    return View(body=ctx.tr("This button is out of date. Open the list again."), private=True)


@router.text
async def reply_to_event(ctx: Ctx) -> Any:
    """A reply to an event message is a comment on it."""
    if ctx.reply_ref and ctx.reply_ref.startswith("event:") and ctx.reply_ref[6:].isdigit():
        return await add_comment(ctx, int(ctx.reply_ref[6:]), ctx.args)
    return None


async def _submit_line(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create_from_text(ctx, values["text"])


async def _submit_people(ctx: Ctx, values: dict[str, Any]) -> Any:
    chosen = dict(values["chosen"])
    chosen["attendees"] = [*chosen.get("attendees", []), *values["attendees"]]
    return await create_from_text(ctx, values["text"], chosen)


async def _submit_when(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create_from_text(ctx, values["when"], values["chosen"])


async def _submit_group(ctx: Ctx, values: dict[str, Any]) -> Any:
    return await create_from_text(
        ctx, values["text"], {**values["chosen"], "group_id": values["group_id"]}
    )


for _form in [
    *FORMS,
    *COMMENT_FORMS,
    *FOLLOWING_FORMS,
    *event_forms(_submit_line, _submit_people, _submit_when),
    group_question("event_group", N_("New event"), _submit_group),
]:
    router.form(_form)
