"""/day schedule: work days, hours and lunch of a person or of the whole team."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import bold, join_lines
from handlers.views import Button, View
from models.teams import User
from services import reminders, timeman
from services.errors import N_, DomainError
from services.notifications_settings import parse_clock

DAYS = {
    "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7,
    "пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6, "вс": 7,
}  # fmt: skip
HOURS = re.compile(r"^(\d{1,2}(?:[:.]\d{2})?(?:[ap]m)?)-(\d{1,2}(?:[:.]\d{2})?(?:[ap]m)?)$")
LUNCH_WORDS = ("lunch", "обед")


def _day(token: str) -> int:
    token = token.strip().lower()[:3]
    if token.isdigit() and 1 <= int(token) <= 7:
        return int(token)
    found = DAYS.get(token) or DAYS.get(token[:2])
    if found is None:
        raise DomainError(N_("Name the work days, for example mon-fri."))
    return found


def parse_weekdays(text: str) -> str:
    """'mon-fri', 'пн-пт', 'mon,wed,fri', '1-5' -> '12345'."""
    out: set[int] = set()
    for part in text.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            a, b = _day(first), _day(last)
            if a > b:
                raise DomainError(N_("Name the work days, for example mon-fri."))
            out.update(range(a, b + 1))
        elif part.strip():
            out.add(_day(part))
    if not out:
        raise DomainError(N_("Name the work days, for example mon-fri."))
    return "".join(str(d) for d in sorted(out))


def parse_schedule(words: list[str], base: timeman.Schedule) -> timeman.Schedule:
    weekdays, start, end, lunch = (
        base.weekdays,
        base.start_minute,
        base.end_minute,
        base.lunch_minutes,
    )
    index = 0
    seen = False
    while index < len(words):
        word = words[index].lower()
        hours = HOURS.match(word)
        if hours:
            # an end not after the start is the next morning's: "12:00-00:00", "22:00-06:00"
            start, end = parse_clock(hours.group(1)), parse_clock(hours.group(2))
            seen = True
        elif word in LUNCH_WORDS:
            given = words[index + 1] if index + 1 < len(words) else ""
            if not given.isdigit():  # "обед -60", "lunch one hour"
                raise DomainError(N_("Give the lunch break in minutes, for example: lunch 60"))
            lunch = int(given)
            index += 1
            seen = True
        else:
            weekdays = parse_weekdays(word)
            seen = True
        index += 1
    if not seen:
        raise DomainError(N_("For example: /day schedule mon-fri 09:00-18:00 lunch 60"))
    return timeman.Schedule(weekdays, start, end, lunch, base.grace_minutes)


def schedule_text(tr: Translator, schedule: timeman.Schedule) -> Any:
    from babel.dates import get_day_names

    names = get_day_names("abbreviated", locale=tr.lang)
    days = ", ".join(names[int(d) - 1] for d in schedule.weekdays)
    start = f"{schedule.start_minute // 60:02d}:{schedule.start_minute % 60:02d}"
    # a night shift's end is the next morning's clock ("22:00–06:00"); midnight is 24:00
    last = schedule.end_minute if schedule.end_minute <= 24 * 60 else schedule.end_minute % 1440
    end = f"{last // 60:02d}:{last % 60:02d}"
    return tr(
        "{days}, {start}–{end}, lunch {lunch} min, planned {planned} a day",
        days=days,
        start=start,
        end=end,
        lunch=str(schedule.lunch_minutes),
        planned=tr.duration(schedule.planned),
    )


def schedule_view(tr: Translator, title: str, schedule: timeman.Schedule) -> View:
    return View(body=join_lines([bold(title), schedule_text(tr, schedule)]))


async def person_schedule_view(ctx: Ctx, user_id: int) -> View:
    """A person's schedule from a notice's button: theirs, or the reader's own."""
    person, schedule = await timeman.schedule_for(ctx.session, ctx.me, user_id)
    own = person.id == ctx.me.user_id
    return schedule_view(ctx.tr, ctx.tr.s("Work schedule") if own else person.name, schedule)


async def tell_schedule_change(
    ctx: Ctx, person: User, old: timeman.Schedule, new: timeman.Schedule, *, team: bool = False
) -> None:
    """One's own new schedule goes to their supervisor (without one, the team's admins);
    a schedule someone else set goes to the person it is for; `team`: the team's
    schedule changed, which is the person's (they have none of their own)."""
    if old == new:
        return
    from services import timeman_corrections

    own = person.id == ctx.me.user_id and not team
    name, actor_name = person.name, ctx.me.name

    def build(tr: Translator) -> View:
        if team:
            said = tr(
                "{person} changed the team's work schedule, which is yours.",
                person=bold(actor_name),
            )
        elif own:
            said = tr("{person} changed their work schedule.", person=bold(name))
        else:
            said = tr("{person} changed your work schedule.", person=bold(actor_name))
        view = View(
            body=join_lines(
                [
                    said,
                    tr("Now: {schedule}", schedule=schedule_text(tr, new)),
                    tr("Was: {schedule}", schedule=schedule_text(tr, old)),
                ]
            )
        )
        view.row(Button(tr.s("Work schedule"), f"day:sc:{person.id}"))
        return view

    told = await timeman_corrections.reviewers_of(ctx.session, person.id) if own else [person]
    for reader in told:
        await ctx.notify(reader.id, "status", build, ref=f"schedule:{person.id}")


async def schedule_command(ctx: Ctx, text: str) -> View:
    words = text.split()
    user = await timeman._me(ctx.session, ctx.me)
    target: User | None = user
    if words and words[0].lower() in ("team", "команда"):
        target = None
        words = words[1:]
    elif words and words[0].startswith("@"):
        from handlers.people import pick_person

        picked = await pick_person(ctx, words[0], lambda uid: "day:v")
        if isinstance(picked, View):
            raise DomainError(
                N_("Several people match: {names}. Type the full name."), names=words[0]
            )
        target = picked
        words = words[1:]
    current = (
        await timeman.schedule_of(ctx.session, target)
        if target is not None
        else await timeman.team_schedule(ctx.session, ctx.me.team_id)
    )
    if not words:
        title = ctx.tr.s("Work schedule") if target is None or target.id == user.id else target.name
        return schedule_view(ctx.tr, title, current)
    people = (
        [target]
        if target is not None
        else list(
            (
                await ctx.session.execute(
                    select(User).where(User.team_id == ctx.me.team_id, User.active.is_(True))
                )
            ).scalars()
        )
    )
    staff = [person for person in people if person.role != "extranet"]
    before = await timeman.schedules_of(ctx.session, staff)
    schedule = await timeman.set_schedule(
        ctx.session, ctx.me, target.id if target else None, parse_schedule(words, current)
    )
    if target is not None:
        await tell_schedule_change(ctx, target, current, schedule)
    else:  # those without a schedule of their own: theirs changed; the admin knows
        after = await timeman.schedules_of(ctx.session, staff)
        for person in staff:
            if person.id != ctx.me.user_id:
                await tell_schedule_change(
                    ctx, person, before[person.id], after[person.id], team=True
                )
    for person in staff:
        await reminders.sync_rules(ctx.session, person)
    who = ctx.tr.s("the team") if target is None else target.name
    return View(
        body=join_lines(
            [
                ctx.tr("Work schedule of {who} saved:", who=bold(who)),
                schedule_text(ctx.tr, schedule),
            ]
        )
    )
