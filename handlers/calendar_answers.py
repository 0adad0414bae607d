"""An answer to an invitation, for a series or one date of it: the organiser told, the
one who answered shown the card (the answers themselves: services.calendar_answers)."""

from __future__ import annotations

from handlers.calendar_reminders import queue_reminders
from handlers.calendar_views import card_view, event_span, occ_action
from handlers.core import Ctx
from handlers.i18n import N_, Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from services import calendar

ANSWERED = {
    "yes": N_("{person} accepted {title}."),
    "no": N_("{person} declined {title}."),
    "maybe": N_("{person} may come to {title}."),
}
ANSWERED_ONE = {
    "yes": N_("{person} will come to {title} {when}."),
    "no": N_("{person} will not come to {title} {when}."),
    "maybe": N_("{person} may come to {title} {when}."),
}
MINE = {
    "yes": N_("You accepted."),
    "no": N_("You declined."),
    "maybe": N_("You answered maybe."),
}
MINE_ONE = {
    "yes": N_("You will come to {title} {when}."),
    "no": N_("You will not come to {title} {when}."),
    "maybe": N_("You may come to {title} {when}."),
}


async def answer_view(ctx: Ctx, event_id: int, status: str, key: int | None = None) -> View:
    """An answer to an invitation: for the series, or (`key`) one occurrence of it."""
    event = await calendar.answer(ctx.session, ctx.me, event_id, status, key)
    await queue_reminders(ctx, event, drop=True, only_me=True)
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event.id, key)
    one = key is not None and occ.recurring
    series_id = occ.series_id
    if event.organizer_id:

        def told(tr: Translator) -> View:
            if one:
                body = tr(
                    ANSWERED_ONE[status],
                    person=bold(ctx.me.name),
                    title=bold(event.title),
                    when=event_span(tr, event, occ.starts_at, occ.ends_at),
                )
            else:
                body = tr(ANSWERED[status], person=bold(ctx.me.name), title=bold(event.title))
            return View(body=body, ref=f"event:{series_id}").row(
                Button(tr.s("Open"), occ_action("o", occ) if one else f"ev:o:{series_id}")
            )

        await ctx.notify(event.organizer_id, "event", told, ref=f"event:{series_id}")
    if one:
        said = ctx.tr(
            MINE_ONE[status],
            title=bold(event.title),
            when=event_span(ctx.tr, event, occ.starts_at, occ.ends_at),
        )
    else:
        said = ctx.tr(MINE[status])
    view = await card_view(ctx, occ)
    view.body = [*said, Span("\n\n"), *view.body]
    return view
