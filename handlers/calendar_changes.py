"""Moves, cancellations and edits of events, each telling the people concerned (answers:
handlers.calendar_answers; comments: handlers.calendar_comments)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.calendar_reminders import queue_reminders
from handlers.calendar_views import card_view, event_moment, event_span, series_when
from handlers.core import Ctx
from handlers.forms import Field, Form
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models.calendar import Event
from models.groups import Group
from services import calendar, calendar_answers, calendar_changes, calendar_series
from services.calendar_parse import parse_start, parse_start_near
from services.calendar_recur import key_to_time
from services.errors import DomainError


async def tell_changed(
    ctx: Ctx,
    event: Event,
    build: Any,
    *,
    in_chats: bool = True,
    people: Sequence[int] | None = None,
) -> None:
    """A move, a cancellation or an edit is told to the event's people (or to `people`,
    found before the change), each in their own language and zone, and (`in_chats`)
    posted in the chats bound to its group (everyone's notice, in the team's), as a
    group's new task or post is; not in the chat it was typed in, which shows it, nor
    for an archived group."""
    if people is None:
        people = await calendar_answers.people_to_tell(ctx.session, event)
    for user_id in people:
        await ctx.notify(user_id, "event", build, ref=f"event:{event.parent_id or event.id}")
    group = await ctx.session.get(Group, event.group_id) if in_chats and event.group_id else None
    if group is not None and not group.archived:
        await ctx.notify_group(group, "event", build)


async def cancel_view(ctx: Ctx, event_id: int, key: int | None, whole: bool) -> View:
    occ = None if whole else await calendar.get_occurrence(ctx.session, ctx.me, event_id, key)
    target = await calendar_changes.cancel(ctx.session, ctx.me, event_id, key, whole)
    await queue_reminders(ctx, target, drop=True)
    start = occ.starts_at if occ else target.starts_at
    single = occ is not None and occ.recurring

    def build(tr: Translator) -> View:
        message = (
            N_("{person} cancelled {title} on {when}.")
            if single
            else N_("{person} cancelled {title}.")
        )
        return View(
            body=tr(
                message,
                person=bold(ctx.me.name),
                title=bold(target.title),
                when=event_moment(tr, target, start),
            ),
            ref=f"event:{target.parent_id or target.id}",
        )

    await tell_changed(ctx, target, build)
    mine = N_("You cancelled {title} on {when}.") if single else N_("You cancelled {title}.")
    return View(
        body=ctx.tr(mine, title=bold(target.title), when=event_moment(ctx.tr, target, start))
    )


async def _parse_start(ctx: Ctx, raw: str) -> str:
    return parse_start(raw, ctx.me.locale, ctx.me.timezone).isoformat()


async def _submit_move(ctx: Ctx, values: dict[str, Any]) -> View:
    key = values.get("key")
    new_start = datetime.fromisoformat(values["start"])
    row, old = await calendar_changes.move(
        ctx.session, ctx.me, int(values["event_id"]), key, new_start
    )
    await queue_reminders(ctx, row, drop=True)

    def build(tr: Translator) -> View:
        return View(
            body=tr(
                "{person} moved {title} from {old} to {new}.",
                person=bold(ctx.me.name),
                title=bold(row.title),
                old=event_moment(tr, row, old.starts_at),
                new=event_span(tr, row, row.starts_at, row.ends_at),
            ),
            ref=f"event:{row.parent_id or row.id}",
        ).row(
            Button(
                tr.s("Open"),
                f"ev:o:{row.parent_id or row.id}" + (f":{old.key}" if old.recurring else ""),
            )
        )

    await tell_changed(ctx, row, build)
    occ = await calendar.get_occurrence(ctx.session, ctx.me, row.id, None)
    view = await card_view(ctx, occ)
    moved = ctx.tr(
        "You moved {title} to {new}.",
        title=bold(row.title),
        new=event_span(ctx.tr, row, row.starts_at, row.ends_at),
    )
    view.body = [*moved, Span("\n\n"), *view.body]
    return view


async def _submit_move_all(ctx: Ctx, values: dict[str, Any]) -> View:
    return await _move_dates(ctx, values, following=False)


async def _submit_move_following(ctx: Ctx, values: dict[str, Any]) -> View:
    return await _move_dates(ctx, values, following=True)


def from_day(tr: Translator, event: Event, start: datetime) -> str:
    """The day a date starts on, in the reader's zone (an all-day one's, the same for all)."""
    zone = ZoneInfo(event.timezone) if event.all_day else tr.zone()
    return tr.on_day(start.astimezone(zone).date())


async def _move_dates(ctx: Ctx, values: dict[str, Any], *, following: bool) -> View:
    """Every date of a series (see calendar_series.move_series), or (`following`) the
    pressed one and every later one (the series split: move_following), moved by as
    much as the pressed one; its people told once, in their zone."""
    event_id, key = int(values["event_id"]), values.get("key")
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event_id, key)
    # "10:00", "Tuesday 10:00": said of the pressed date as its card shows it
    new_start = parse_start_near(values["start"], ctx.me.locale, ctx.me.timezone, occ.starts_at)
    change = calendar_series.move_following if following else calendar_series.move_series
    done = await change(ctx.session, ctx.me, event_id, occ.key, new_start)
    series, before, since = done.series, done.before, occ.starts_at
    if series.id != before.id:  # split off: the earlier part keeps its earlier dates' reminders
        earlier = await ctx.session.get(Event, before.id)
        if earlier is not None:
            await queue_reminders(ctx, earlier, drop=True)
    await queue_reminders(ctx, series, drop=True)

    def build(tr: Translator) -> View:
        said = (
            N_("{person} moved {title} from {day} on: it was {old}; now it is {new}.")
            if following
            else N_("{person} moved every date of {title}: it was {old}; now it is {new}.")
        )
        return View(
            body=tr(
                said,
                person=bold(ctx.me.name),
                title=bold(series.title),
                day=from_day(tr, before, since),
                old=series_when(tr, before, key_to_time(done.old_key)),
                new=series_when(tr, series, key_to_time(done.key)),
            ),
            ref=f"event:{series.id}",
        ).row(Button(tr.s("Open"), f"ev:o:{series.id}"))

    await tell_changed(ctx, series, build)
    mine = (
        N_("You moved {title} from {day} on to {new}.")
        if following
        else N_("You moved every date of {title} to {new}.")
    )
    said = ctx.tr(
        mine,
        title=bold(series.title),
        day=from_day(ctx.tr, before, since),
        new=series_when(ctx.tr, series, key_to_time(done.key)),
    )
    if done.dropped:
        said = [
            *said,
            Span(" "),
            *ctx.tr.n(
                "{n} date changed on its own (moved, cancelled or answered for) no longer "
                "falls on the series; its change was dropped.",
                "{n} dates changed on their own (moved, cancelled or answered for) no longer "
                "fall on the series; their changes were dropped.",
                done.dropped,
            ),
        ]
    try:
        occ = await calendar.get_occurrence(ctx.session, ctx.me, series.id, done.key)
    except DomainError:  # that date was cancelled: the next one
        occ = await calendar.get_occurrence(ctx.session, ctx.me, series.id, None)
    view = await card_view(ctx, occ)
    view.body = [*said, Span("\n\n"), *view.body]
    return view


async def _keep_or_clear(ctx: Ctx, raw: str) -> str:
    return "" if raw.strip() == "-" else raw.strip()


async def _submit_edit(ctx: Ctx, values: dict[str, Any]) -> View:
    event, changed = await calendar_changes.edit(
        ctx.session,
        ctx.me,
        int(values["event_id"]),
        title=values.get("title"),
        place=values.get("place"),
        description=values.get("description"),
    )
    if changed:
        if NAMED & set(changed):  # the queued reminders name both
            await queue_reminders(ctx, event, drop=True)

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} changed {title}: {what}.",
                    person=bold(ctx.me.name),
                    title=bold(event.title),
                    what=changed_fields(tr, changed),
                ),
                ref=f"event:{event.id}",
            ).row(Button(tr.s("Open"), f"ev:o:{event.id}"))

        # the chats hear of what their notices showed, not of a new description
        await tell_changed(ctx, event, build, in_chats=bool(NAMED & set(changed)))
    return await card_view(ctx, await calendar.get_occurrence(ctx.session, ctx.me, event.id, None))


FIELD_NAMES = {"title": N_("title"), "place": N_("place"), "description": N_("description")}
NAMED = {"title", "place"}  # the texts queued reminders and the chats' notices show


def changed_fields(tr: Translator, changed: Sequence[str]) -> str:
    return ", ".join(tr.s(FIELD_NAMES[c]) for c in changed)


# an event's texts, asked by the edit of a series and of a date and the later ones
EDIT_FIELDS = [
    Field("title", N_("New title? Skip to keep it."), optional=True, max_length=200),
    Field(
        "place",
        N_("New place or link? Skip to keep it, - to clear it."),
        _keep_or_clear,
        optional=True,
    ),
    Field(
        "description",
        N_("New description? Skip to keep it, - to clear it."),
        _keep_or_clear,
        optional=True,
        multiline=True,
    ),
]

FORMS = [
    Form(name="event_edit", title=N_("Edit the event"), fields=EDIT_FIELDS, submit=_submit_edit),
    Form(
        name="event_move",
        title=N_("Move the event"),
        fields=[
            Field("start", N_("When does it start now? For example: tomorrow 11:00."), _parse_start)
        ],
        submit=_submit_move,
    ),
    Form(
        name="event_move_all",
        title=N_("Move every date"),
        fields=[
            Field(
                "start",
                N_(
                    "When does this date start now? Every date moves by as much. "
                    "For example: 10:00, or Tuesday 10:00."
                ),
            )
        ],
        submit=_submit_move_all,
        checked_on_submit="start",
    ),
    Form(
        name="event_move_following",
        title=N_("Move this and following dates"),
        fields=[
            Field(
                "start",
                N_(
                    "When does this date start now? It and every later date move by as much; "
                    "the earlier ones stay. For example: 12:00, or Thursday 12:00."
                ),
            )
        ],
        submit=_submit_move_following,
        checked_on_submit="start",
    ),
]
