"""Calendar texts and pictures: event cards, agenda lines, the week PNG."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

from handlers.core import Ctx, pager_row
from handlers.i18n import N_, Translator
from handlers.markup import Markup, Span, bold, join_lines
from handlers.views import Button, View
from models.calendar import Event
from models.groups import Group
from services import calendar, calendar_answers, calendar_comments, drive
from services.calendar_recur import Occurrence, weekday_set
from services.pagination import Page

MARKS = {"yes": "✅", "no": "❌", "maybe": "🤔", "pending": "❔"}
# cards stay under a message's size (Telegram: 4096 characters); full texts live elsewhere
SHOWN_COMMENT = 300
SHOWN_DESCRIPTION = 1500


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def span_text(tr: Translator, start: datetime, end: datetime) -> str:
    """'tomorrow 10:00–10:30' in the reader's zone."""
    zone = tr.zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() == local_end.date():
        return f"{tr.when(start, zoned=False)}–{local_end:%H:%M}{tr.zone_note(end)}"
    return f"{tr.when(start, zoned=False)} – {tr.when(end)}"


def event_span(tr: Translator, event: Event, start: datetime, end: datetime) -> str:
    """When an occurrence is: its times in the reader's zone, or for an all-day event
    its days, the same for everyone ("Thu 3 Dec, all day")."""
    if not event.all_day:
        return span_text(tr, start, end)
    zone = ZoneInfo(event.timezone)
    first = start.astimezone(zone).date()
    last = max(first, (end - timedelta(seconds=1)).astimezone(zone).date())
    if first == last:
        return tr.s("{day}, all day", day=tr.on_day(first))
    return tr.s("{first} – {last}, all day", first=tr.on_day(first), last=tr.on_day(last))


def event_moment(tr: Translator, event: Event, start: datetime) -> str:
    """When an occurrence starts: "tomorrow 10:00", or its day if it is an all-day one."""
    if event.all_day:
        return tr.on_day(start.astimezone(ZoneInfo(event.timezone)).date())
    return tr.when(start)


def repeat_text(tr: Translator, event: Event) -> str:
    """How a series repeats ("every week on Mon"), and until when if it ends."""
    rule = _rule_text(tr, event)
    if rule and event.repeat_until is not None:
        # the last day as the organiser said it: whole days are the same everywhere
        last = event.repeat_until.astimezone(ZoneInfo(event.timezone)).date()
        return tr.s("{rule}, until {day}", rule=rule, day=tr.day(last))
    return rule


def series_when(tr: Translator, event: Event, start: datetime) -> str:
    """A series' time (its date starting at `start`) in the reader's zone, and its rule:
    "09:30–10:30, every week on Mon"; an all-day one's rule alone."""
    rule = repeat_text(tr, event)
    if event.all_day:
        return rule
    zone = tr.zone()
    end = start + (event.ends_at - event.starts_at)
    clock = f"{start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M}{tr.zone_note(end)}"
    return tr.s("{time}, {rule}", rule=rule, time=clock)


def _rule_text(tr: Translator, event: Event) -> str:
    if event.repeat == "daily":
        return tr.s("every day")
    if event.repeat == "weekly":
        names = get_day_names("abbreviated", locale=tr.lang)
        # the days where the reader is: Monday 17:00 in Los Angeles is Tuesday in Tokyo
        first = event.starts_at.astimezone(ZoneInfo(event.timezone))
        days = {
            (first + timedelta(days=day - first.weekday())).astimezone(tr.zone()).weekday()
            for day in weekday_set(event)
        }
        if event.all_day:
            days = set(weekday_set(event))  # whole days are the same days everywhere
        return tr.s("every week on {days}", days=", ".join(names[d] for d in sorted(days)))
    if event.repeat == "monthly":
        return tr.s("every month on day {day}", day=event.starts_at.astimezone(tr.zone()).day)
    return ""


def mark(chosen: bool, label: str) -> str:
    return ("• " if chosen else "") + label


def occ_action(verb: str, occ: Occurrence) -> str:
    return f"ev:{verb}:{occ.series_id}:{occ.key}" if occ.recurring else f"ev:{verb}:{occ.series_id}"


async def card_view(ctx: Ctx, occ: Occurrence, *, everyone: bool = False) -> View:
    """An event's card as the reader sees it: their answers and their buttons.
    `everyone`: the card all in the chat of the event's group read, whoever asked (see
    handlers.calendar_create.card_here): nobody's answers marked, nobody's own buttons; each
    answers for themselves there (told privately) or presses Open for their own card."""
    tr, event = ctx.tr, occ.event
    series = (
        event if event.parent_id is None else await ctx.session.get(Event, event.parent_id) or event
    )
    lines: list[Any] = [[Span("📅 "), bold(event.title)]]
    if event.cancelled:
        lines.append(tr("Cancelled."))
    lines.append(tr("When: {when}", when=event_span(tr, event, occ.starts_at, occ.ends_at)))
    if series.repeat != "none":
        lines.append(tr("Repeats: {rule}", rule=repeat_text(tr, series)))
    if event.place:
        lines.append(tr("Where: {place}", place=event.place))
    group = await ctx.session.get(Group, event.group_id) if event.group_id else None
    if group is not None:
        lines.append(tr("Group: {group}", group=group.name))
    read_only = group is not None and group.archived
    if read_only:  # read, not answered, commented, moved or cancelled
        lines.append(tr("Archived group — read only"))
    people = await calendar_answers.attendees(
        ctx.session, event, occ.key if occ.recurring else None
    )
    organizer = next((u.name for u, _ in people if u.id == event.organizer_id), "")
    if organizer:
        lines.append(tr("Organiser: {person}", person=organizer))
    if event.description:
        lines.append([Span(shorten(event.description, SHOWN_DESCRIPTION))])
    if people:
        shown = [u.name if everyone else f"{MARKS.get(s, '❔')} {u.name}" for u, s in people[:20]]
        more = len(people) - len(shown)
        lines.append(
            tr("Attendees: {list}", list=", ".join(shown) + (f" +{more}" if more > 0 else ""))
        )
    notes = await calendar_comments.comments(ctx.session, ctx.me, event.id)
    if notes:
        lines.append(tr("Comments:"))
        for comment, name in notes:
            lines.append(
                [Span("💬 "), bold(name), Span(": " + shorten(comment.text, SHOWN_COMMENT))]
            )
    files = await drive.attached(ctx.session, ctx.me, f"event:{occ.series_id}")
    if files:
        lines.append(tr("Files: {names}", names=", ".join(f.name for f in files[:10])))
    view = View(body=join_lines(lines), ref=f"event:{occ.series_id}")
    for file in files[:10]:
        view.row(Button(f"📄 {file.name}"[:60], f"dr:e:{file.id}:{occ.series_id}"))
    if event.cancelled:
        return view
    if read_only:
        if notes:
            view.row(Button(tr.s("All comments"), f"ev:cm:{occ.series_id}:1"))
        return view
    if everyone:
        return _everyones_buttons(tr, view, occ)
    mine = await calendar_answers.my_answer(ctx.session, ctx.me, event)
    if event.organizer_id != ctx.me.user_id and (mine is not None or event.group_id):
        if occ.recurring:
            # this occurrence (its own answer, else the series'), then the whole series
            this = await calendar_answers.my_answer(ctx.session, ctx.me, event, occ.key)
            view.row(
                Button(mark(this == "yes", tr.s("Accept this one")), occ_action("y", occ)),
                Button(mark(this == "no", tr.s("Decline this one")), occ_action("n", occ)),
                Button(mark(this == "maybe", tr.s("Maybe")), occ_action("m", occ)),
            )
            view.row(
                Button(mark(mine == "yes", tr.s("Accept all")), f"ev:y:{occ.series_id}"),
                Button(mark(mine == "no", tr.s("Decline all")), f"ev:n:{occ.series_id}"),
                Button(mark(mine == "maybe", tr.s("Maybe all")), f"ev:m:{occ.series_id}"),
            )
        else:
            view.row(
                Button(mark(mine == "yes", tr.s("Accept")), f"ev:y:{occ.series_id}"),
                Button(mark(mine == "no", tr.s("Decline")), f"ev:n:{occ.series_id}"),
                Button(mark(mine == "maybe", tr.s("Maybe")), f"ev:m:{occ.series_id}"),
            )
    talk = [
        Button(tr.s("Comment"), f"ev:c:{occ.series_id}"),
        Button(tr.s("Share"), f"ev:sh:{occ.series_id}"),
    ]
    if len(notes) >= 5:
        talk.append(Button(tr.s("All comments"), f"ev:cm:{occ.series_id}:1"))
    view.row(*talk)
    if calendar.can_edit(ctx.me, event):
        if occ.recurring:
            view.row(
                Button(tr.s("Move this one"), occ_action("mv", occ)),
                Button(tr.s("Move all"), occ_action("ma", occ)),
            )
            view.row(Button(tr.s("Move this and following"), occ_action("mf", occ)))
            view.row(
                Button(tr.s("Cancel this one"), occ_action("x", occ)),
                Button(tr.s("Cancel series"), f"ev:xs:{occ.series_id}"),
            )
            view.row(Button(tr.s("Cancel this and following"), occ_action("xf", occ)))
            view.row(
                Button(tr.s("Edit"), f"ev:ed:{occ.series_id}"),
                Button(tr.s("Edit this and following"), occ_action("ef", occ)),
            )
        else:
            view.row(
                Button(tr.s("Move"), occ_action("mv", occ)),
                Button(tr.s("Cancel event"), f"ev:xs:{occ.series_id}"),
            )
            view.row(Button(tr.s("Edit"), f"ev:ed:{occ.series_id}"))
    return view


def _everyones_buttons(tr: Translator, view: View, occ: Occurrence) -> View:
    """A card everyone in the group's chat reads: the answers the group's invitation
    offers (each for the presser, told to them alone), and Open for one's own card."""
    if occ.event.group_id:
        view.row(
            Button(tr.s("Accept"), f"ev:y:{occ.series_id}"),
            Button(tr.s("Decline"), f"ev:n:{occ.series_id}"),
            Button(tr.s("Maybe"), f"ev:m:{occ.series_id}"),
        )
    return view.row(Button(tr.s("Open"), occ_action("o", occ)))


def agenda_line(tr: Translator, occ: Occurrence, answer: str | None = None) -> Markup:
    """'tomorrow 10:00–10:30  Standup', marked when the reader has not said yes."""
    mark = f" {MARKS[answer]}" if answer in ("no", "maybe", "pending") else ""
    return [
        Span(f"{event_span(tr, occ.event, occ.starts_at, occ.ends_at)}  "),
        bold(occ.event.title),
        Span(mark),
    ]


SHOWN_CONFLICTS = 5


def conflicts_view(
    tr: Translator, clashes: list[tuple[int, Occurrence, bool]], names: dict[int, str], me: int
) -> View:
    """What a new event overlaps, one line a meeting with whose it is ("you" for the
    reader); a meeting the reader is not in is not named."""
    by_occ: dict[tuple[int, int], tuple[Occurrence, bool, list[str]]] = {}
    for user_id, occ, named in clashes:
        _, _, people = by_occ.setdefault((occ.series_id, occ.key), (occ, named, []))
        people.append(tr.s("you") if user_id == me else names.get(user_id, "?"))
    lines: list[Any] = []
    for occ, named, people in list(by_occ.values())[:SHOWN_CONFLICTS]:
        when = event_span(tr, occ.event, occ.starts_at, occ.ends_at)
        if named:
            line = tr(
                "⚠️ Overlaps with {title}, {when}: {people}.",
                title=bold(occ.event.title),
                when=when,
                people=", ".join(people),
            )
        else:
            line = tr(
                "⚠️ Overlaps with another event, {when}: {people}.",
                when=when,
                people=", ".join(people),
            )
        lines.append(line)
    more = len(by_occ) - SHOWN_CONFLICTS
    if more > 0:
        lines.append(tr.n("And {n} more overlap.", "And {n} more overlaps.", more))
    return View(body=join_lines(lines))


def invitation_view(
    tr: Translator, event: Event, organizer: str, *, for_group: bool = False
) -> View:
    """An invitation: to one person, or (`for_group`) to a group's chat, where each
    member answers for themselves with the same buttons."""
    said = (
        N_("{person} plans {title} for the group, {when}. Will you come?")
        if for_group
        else N_("{person} invites you to {title}, {when}.")
    )
    view = View(
        body=tr(
            said,
            person=bold(organizer),
            title=bold(event.title),
            when=event_span(tr, event, event.starts_at, event.ends_at),
        ),
        ref=f"event:{event.id}",
    )
    if event.repeat != "none":
        view.body.append(Span("\n"))
        view.body.extend(tr("Repeats: {rule}", rule=repeat_text(tr, event)))
    if event.place:
        view.body.append(Span("\n"))
        view.body.extend(tr("Where: {place}", place=event.place))
    view.row(
        Button(tr.s("Accept"), f"ev:y:{event.id}"),
        Button(tr.s("Decline"), f"ev:n:{event.id}"),
        Button(tr.s("Maybe"), f"ev:m:{event.id}"),
    )
    view.row(Button(tr.s("Open"), f"ev:o:{event.id}"))
    return view


def week_png(tr: Translator, occs: list[Occurrence], monday: datetime) -> bytes:
    """A week grid (days across, hours down) with one box per occurrence."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.patches import Rectangle

    zone = tr.zone()
    names = get_day_names("abbreviated", locale=tr.lang)
    whole = [o for o in occs if o.event.all_day]
    timed = [o for o in occs if not o.event.all_day]
    hours = [o.starts_at.astimezone(zone).hour for o in timed] + [8]
    ends = [o.ends_at.astimezone(zone).hour + 1 for o in timed] + [19]
    top, bottom = max(0, min(hours)), min(24, max(ends))
    lane = 0.5  # hours of the grid an all-day bar takes, above the first hour
    fig, ax = plt.subplots(figsize=(10, 6), dpi=100)
    try:
        for row, occ in enumerate(whole):
            own = ZoneInfo(occ.event.timezone)
            first = (occ.starts_at.astimezone(own).date() - monday.date()).days
            last = (
                (occ.ends_at - timedelta(seconds=1)).astimezone(own).date() - monday.date()
            ).days
            first, last = max(first, 0), min(last, 6)
            if first > last:
                continue
            y0 = top - (row + 1) * lane
            ax.add_patch(
                Rectangle(
                    (first + 0.05, y0 + 0.05), last - first + 0.9, lane - 0.1, color="#7cb342"
                )
            )
            ax.text(first + 0.1, y0 + lane / 2, occ.event.title[:40], fontsize=7, va="center")
        for occ in timed:
            start = occ.starts_at.astimezone(zone)
            end = occ.ends_at.astimezone(zone)
            day = (start.date() - monday.date()).days
            if not 0 <= day < 7:
                continue
            y0 = start.hour + start.minute / 60
            y1 = y0 + max((end - start).total_seconds() / 3600, 0.25)
            ax.add_patch(Rectangle((day + 0.05, y0), 0.9, y1 - y0, color="#4a90d9", alpha=0.8))
            ax.text(
                day + 0.1,
                y0 + 0.1,
                f"{start:%H:%M} {occ.event.title}"[:28],
                fontsize=7,
                va="top",
                color="white",
            )
        ax.set_xlim(0, 7)
        ax.set_ylim(bottom, top - len(whole) * lane)
        ax.set_xticks([d + 0.5 for d in range(7)])
        ax.set_xticklabels([f"{names[d]} {(monday + timedelta(days=d)).day}" for d in range(7)])
        ax.set_yticks(range(top, bottom + 1))
        ax.grid(True, axis="y", alpha=0.3)
        ax.set_title(tr.s("Week of {date}", date=tr.date(monday)))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)


def comments_view(
    ctx: Ctx, title: str, page: Page[tuple[Any, str]], action: str, back: str
) -> View:
    """A paginated list of comments (events and posts alike)."""
    lines: list[Any] = [ctx.tr("Comments on {title} ({n})", title=bold(title), n=str(page.total))]
    for comment, name in page.items:
        lines.append(
            [
                Span("💬 "),
                bold(name),
                Span(
                    f" · {ctx.tr.when(comment.created_at)}: {shorten(comment.text, SHOWN_COMMENT)}"
                ),
            ]
        )
    view = View(body=join_lines(lines))
    view.row(*pager_row(ctx, page, action))
    view.row(Button(ctx.tr.s("Back"), back))
    return view
