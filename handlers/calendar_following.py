"""A date of a repeating event and every later one ("this and following") cancelled, or
their texts edited: the series cut or split there (services.calendar_series); moved:
handlers.calendar_changes."""

from __future__ import annotations

from typing import Any

from handlers.calendar_changes import (
    EDIT_FIELDS,
    NAMED,
    changed_fields,
    from_day,
    tell_changed,
)
from handlers.calendar_reminders import queue_reminders
from handlers.calendar_views import card_view, occ_action
from handlers.core import Ctx
from handlers.forms import Form
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models.calendar import Event
from services import calendar, calendar_answers, calendar_series


async def cancel_following_question(ctx: Ctx, event_id: int, key: int | None) -> View:
    """Asked once: it cannot be undone."""
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event_id, key)
    view = View(
        body=ctx.tr(
            "Cancel {title} from {day} on, for everyone? That date and every later one go, "
            "the earlier ones stay, and the people invited are told.",
            title=bold(occ.event.title),
            day=from_day(ctx.tr, occ.event, occ.starts_at),
        )
    )
    return view.row(
        Button(ctx.tr.s("Yes, cancel these dates"), occ_action("xfy", occ)),
        Button(ctx.tr.s("Keep them"), occ_action("o", occ)),
    )


async def cancel_following_view(ctx: Ctx, event_id: int, key: int | None) -> View:
    """The pressed date of a series and every later one cancelled (on its first date, the
    whole series); the people of those dates told once."""
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event_id, key)
    was = await ctx.session.get(Event, occ.series_id)
    # found before the answers for those dates go with them
    people = await calendar_answers.people_to_tell(ctx.session, was, occ.key) if was else []
    series = await calendar_series.cancel_following(ctx.session, ctx.me, event_id, occ.key)
    await queue_reminders(ctx, series, drop=True)
    whole = series.cancelled

    def build(tr: Translator) -> View:
        said = (
            N_("{person} cancelled {title}.")
            if whole
            else N_("{person} cancelled {title} from {day} on.")
        )
        return View(
            body=tr(
                said,
                person=bold(ctx.me.name),
                title=bold(series.title),
                day=from_day(tr, series, occ.starts_at),
            ),
            ref=f"event:{series.id}",
        )

    await tell_changed(ctx, series, build, people=people)
    mine = N_("You cancelled {title}.") if whole else N_("You cancelled {title} from {day} on.")
    return View(
        body=ctx.tr(mine, title=bold(series.title), day=from_day(ctx.tr, series, occ.starts_at))
    )


async def _submit_edit_following(ctx: Ctx, values: dict[str, Any]) -> View:
    """New texts for the pressed date and every later one (see
    calendar_series.edit_following); the people of those dates told once."""
    event_id = int(values["event_id"])
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event_id, values.get("key"))
    done = await calendar_series.edit_following(
        ctx.session,
        ctx.me,
        event_id,
        occ.key,
        title=values.get("title"),
        place=values.get("place"),
        description=values.get("description"),
    )
    series, before, changed = done.series, done.before, done.changed
    split = series.id != before.id
    if split:  # the earlier part keeps its earlier dates' reminders
        earlier = await ctx.session.get(Event, before.id)
        if earlier is not None:
            await queue_reminders(ctx, earlier, drop=True)
    if split or NAMED & set(changed):  # the queued reminders name both
        await queue_reminders(ctx, series, drop=True)
    occ = await calendar.get_occurrence(ctx.session, ctx.me, series.id, occ.key)
    if changed:

        def build(tr: Translator) -> View:
            return View(
                body=tr(
                    "{person} changed {title} from {day} on: {what}.",
                    person=bold(ctx.me.name),
                    title=bold(before.title),
                    day=from_day(tr, before, occ.starts_at),
                    what=changed_fields(tr, changed),
                ),
                ref=f"event:{series.id}",
            ).row(Button(tr.s("Open"), occ_action("o", occ)))

        # the chats hear of what their notices showed, not of a new description
        await tell_changed(ctx, series, build, in_chats=bool(NAMED & set(changed)))
    view = await card_view(ctx, occ)
    if changed:
        said = ctx.tr(
            "You changed {title} from {day} on: {what}.",
            title=bold(before.title),
            day=from_day(ctx.tr, before, occ.starts_at),
            what=changed_fields(ctx.tr, changed),
        )
        view.body = [*said, Span("\n\n"), *view.body]
    return view


FORMS = [
    Form(
        name="event_edit_following",
        title=N_("Edit this and following dates"),
        fields=EDIT_FIELDS,
        submit=_submit_edit_following,
    )
]
