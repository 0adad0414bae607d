"""Events made from a line of text (/event Standup tomorrow 10:00 @anna #sales): the
questions about unknown people and groups, the notes on what was understood, and the
card and invitations that follow."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from handlers.calendar_input import without_tokens
from handlers.calendar_reminders import queue_reminders
from handlers.calendar_views import (
    card_view,
    conflicts_view,
    invitation_view,
    repeat_text,
)
from handlers.core import Ctx
from handlers.groups_input import ask_for_group, resolve_group
from handlers.i18n import N_, Translator
from handlers.markup import Span
from handlers.people import one_person
from handlers.views import View
from models.base import utcnow
from models.calendar import Event
from models.teams import User
from services import (
    calendar,
    calendar_slots,
    groups,
    users,
)
from services.calendar_draft import EventDraft, NoTime
from services.calendar_parse import parse_event
from services.calendar_recur import Occurrence
from services.errors import N_ as _N
from services.errors import DomainError


async def create_from_text(ctx: Ctx, text: str, chosen: dict[str, Any] | None = None) -> Any:
    """'Standup tomorrow 10:00 30m @anna #sales' -> an event; its day and time when it
    does not say them, an unknown @name or #name (the people, the group) are asked
    about, the rest of the line kept for the answer.
    `chosen`: what those questions answered ("attendees", "group_id")."""
    chosen = chosen or {}
    try:
        draft = parse_event(text, ctx.me.locale, ctx.me.timezone)
    except NoTime as err:  # the day and time (or the time) asked, the line kept
        kept = {"text": text, "chosen": chosen, "title": err.title, "day": err.day}
        return await ctx.start_form("event_time" if err.day_known else "event_when", kept)
    attendee_ids = [int(user_id) for user_id in chosen.get("attendees", [])]
    unknown = []
    for token in draft.people:
        found = await one_person(ctx, token)
        if found is None:
            unknown.append(token)
        elif found.id not in attendee_ids:
            attendee_ids.append(found.id)
    if unknown:
        note = View(
            body=ctx.tr(
                "I don't know anyone called {name} in your team.",
                name=", ".join(token.lstrip("@") for token in unknown),
            ),
            private=True,  # one person's mistake: theirs alone in a channel
        )
        kept = {"text": without_tokens(text, unknown), "chosen": chosen}
        return [note, await ctx.start_form("event_people", kept)]
    if len(draft.groups) > 1:
        raise DomainError(_N("An event belongs to one group at most. Which one?"))
    group_id = chosen.get("group_id")
    if draft.groups:
        try:
            group, _rest = await resolve_group(ctx, draft.groups[0])
        except groups.NoSuchGroup as err:
            kept = {"text": without_tokens(text, draft.groups[:1]), "chosen": chosen}
            return await ask_for_group(ctx, "event_group", err, kept)
        group_id = group.id
    elif "group_id" not in chosen and (bound := await ctx.chat_group()) is not None:
        group_id = bound.id  # an event made in a bound group chat is that group's
    event, invited = await calendar.create_event(
        ctx.session,
        ctx.me,
        title=draft.title,
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        attendee_ids=attendee_ids,
        group_id=group_id,
        place=draft.place,
        description=draft.description,
        repeat=draft.repeat,
        weekdays=draft.weekdays,
        repeat_until=draft.repeat_until,
        all_day=draft.all_day,
    )
    notes = [_title_word_note(ctx.tr, draft, event), _zone_note(ctx.tr, draft)]
    said = [span for note in notes if note for span in [Span(" "), *note]][1:]
    views = await announce_created(ctx, event, invited, said)
    people = [ctx.me.user_id, *(u.id for u in invited)]
    clashes = await calendar_slots.conflicts(ctx.session, ctx.me, event, people)
    if not clashes:
        return views
    whose = {u.id: u.name for u in invited}
    # to the organiser alone: it names what they have with others
    clash = conflicts_view(ctx.tr, clashes, whose, ctx.me.user_id)
    ctx.for_me(clash)
    return [*views, clash]


def _zone_note(tr: Translator, draft: EventDraft) -> list[Span]:
    """A zone named for the time ("в 10 по Екатеринбургу"): say the time was read there."""
    if not draft.zone:
        return []
    there = draft.starts_at.astimezone(ZoneInfo(draft.zone))
    return tr(
        "Read as {time} {zone} time; the card shows it in yours.",
        time=there.strftime("%H:%M"),
        zone=users.zone_label(draft.zone),
    )


# what to add to repeat an event whose title's word did not ("Weekly sync tomorrow 10:00")
_REPEAT_HOW = {"daily": N_("every day"), "weekly": N_("every week"), "monthly": N_("every month")}


def _title_word_note(tr: Translator, draft: EventDraft, event: Event) -> list[Span]:
    """A title opening with "Daily", "Еженедельная"...: say whether it made the event repeat."""
    if not draft.title_word:
        return []
    if draft.title_repeats:
        return tr(
            '"{word}" in the title: it repeats {rule}. If it is one meeting, cancel it and give its date.',
            word=draft.title_word,
            rule=repeat_text(tr, event),
        )
    if event.repeat != "none":
        return []
    return tr(
        '"{word}" in the title, but it happens once. To repeat it, add "{how}".',
        word=draft.title_word,
        how=tr.s(_REPEAT_HOW[draft.title_repeat]),
    )


async def announce_created(
    ctx: Ctx, event: Event, invited: list[User], note: list[Span] | None = None
) -> list[View]:
    """Invite the people of a new event, queue its reminders, show its card (after the
    note, if any, on how the text was read) where it was made (see card_here)."""
    for user in invited:
        await ctx.notify(
            user.id,
            "invitation",
            lambda tr: invitation_view(tr, event, ctx.me.name),
            ref=f"event:{event.id}",
        )
    if event.group_id is not None:
        group = await groups.get_group(ctx.session, ctx.me, event.group_id)
        await ctx.notify_group(
            group,
            "invitation",
            lambda tr: invitation_view(tr, event, ctx.me.name, for_group=True),
            dedup_key=f"event:{event.id}:group",
        )
    await queue_reminders(ctx, event)
    occ = await calendar.get_occurrence(ctx.session, ctx.me, event.id, None)
    view = await card_view(ctx, occ)
    head: list[Span] = (
        ctx.tr.n(
            "Event created; {n} person invited.", "Event created; {n} people invited.", len(invited)
        )
        if invited
        else ctx.tr("Event created.")
    )
    if event.repeat == "none" and event.ends_at <= utcnow():
        # kept as a record; still said, in case the date was a slip
        head = [*head, Span(" "), *ctx.tr("Note: it is already over.")]
    if note:
        head = [*head, Span(" "), *note]
    view.body = [*head, Span("\n\n"), *view.body]
    return await card_here(ctx, occ, view)


async def card_here(ctx: Ctx, occ: Occurrence, own: View | None = None) -> list[View]:
    """An event's card where it was asked for (/event 12) or made. In a private chat the
    asker's own card. In a channel or group chat bound to the event's group, everyone's
    card (card_view(everyone=True)), in the team's language and zone whoever asked, as
    the group's calendar there; the asker's own card (`own`, with what they are told,
    when the event was just made) beside it, privately. In any other shared chat the
    asker's own card, privately: it carries their answers and buttons."""
    if not ctx.shared_chat:
        return [own or await card_view(ctx, occ)]
    if not await ctx.speaks_for(occ.event.group_id):
        mine = own or await card_view(ctx, occ)
        ctx.for_me(mine)
        return [mine]
    shared = await ctx.for_everyone(lambda: card_view(ctx, occ, everyone=True))
    if own is None:
        return [shared]  # the asker presses Open for their own, as anyone there
    ctx.for_me(own)
    return [shared, own]
