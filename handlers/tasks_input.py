"""Reading what people type for tasks: deadlines (with Russian case forms, quick picks
and an end-of-day default), people, and #groups."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core import Ctx
from handlers.forms import person_answer
from handlers.people import person_field
from models import db
from models.base import utcnow
from models.teams import User
from services import groups, tasks
from services.access import visible_people
from services.dialogs import get as get_dialog
from services.errors import N_ as _N
from services.errors import DomainError
from services.parsing import has_time, parse_when
from services.parsing_said import normalize_dates, ranges_to_ends, spoken_hour
from services.timeman_clock import shift_date
from services.timeman_schedules import Schedule, schedule_of

ME_WORDS = {"me", "myself", "я", "мне", "себе", "сам", "сама"}
NONE_WORDS = {"-", "no", "none", "нет", "без срока"}

# -- deadlines ----------------------------------------------------------------

LAST_MINUTE = 23 * 60 + 59  # a working day ending at 24:00 gives 23:59
_HOUR_ONLY = re.compile(
    r"\b(?:at|в)\s+(\d{1,2})\b(?!\s*(?:час|hour|мин|min|утра|дня|вечера|ночи|am|pm))",
    re.IGNORECASE,
)
# days said from today, which a night shift's small hours count from the shift's evening
_RELATIVE_DAY = re.compile(r"\b(?:today|tomorrow|сегодня|завтра|послезавтра)\b", re.IGNORECASE)


async def schedule_of_actor(ctx: Ctx) -> Schedule:
    """The actor's work schedule, else their team's, else Monday to Friday 9:00-18:00."""
    user = await db.get(ctx.session, User, ctx.me.user_id)
    return await schedule_of(ctx.session, user) if user is not None else Schedule()


async def at_working_time(
    ctx: Ctx, moment: datetime, fragment: str, *, start: bool = False
) -> datetime:
    """with_default_time in the actor's zone and working day; the schedule is read only
    when the text named no time (it is not needed then, and /task is a hot path)."""
    return with_default_time(
        moment,
        fragment,
        ctx.me.timezone,
        start=start,
        schedule=None if has_time(fragment) else await schedule_of_actor(ctx),
    )


def with_default_time(
    moment: datetime,
    fragment: str,
    tz: str,
    now: datetime | None = None,
    *,
    start: bool = False,
    schedule: Schedule | None = None,
) -> datetime:
    """A date said without a time ("tomorrow", "by Friday") means the end of the
    working day there (`schedule`'s, Monday to Friday 9:00-18:00 without one), not this
    very minute or midnight (a date said is kept, a team's holiday too: only the quick
    buttons step over days off); "today" said after the working day means the end of the
    day, not an hour already past, and in the small hours of a night shift (03:00 of
    22:00-06:00) the running shift, ending this morning, as the Today button does
    ("tomorrow" the next one). With `start` (when something is to be done, a CRM call)
    it means the start of the working day, and "today" said after that, the moment it
    was said."""
    schedule = schedule or Schedule()
    local = moment.astimezone(ZoneInfo(tz))
    hour_only = _HOUR_ONLY.search(fragment)
    if hour_only and not re.search(r"\d[:.]\d", fragment):
        # "послезавтра в 10": dateparser may drop a bare hour ("at 3" is 15:00, as
        # services.parsing reads a bare hour)
        hour = spoken_hour(int(hour_only.group(1)), "")
        if hour is not None and local.hour != hour and not re.search(r"pm|am", fragment, re.I):
            local = local.replace(hour=hour, minute=0, second=0, microsecond=0)
            return local.astimezone(ZoneInfo("UTC"))
    if has_time(fragment):
        return moment
    current = (now or utcnow()).astimezone(ZoneInfo(tz))
    if not start and _RELATIVE_DAY.search(fragment):
        local -= current.date() - shift_date(schedule, current, tz)
    default = at_minute(local, schedule.start_minute if start else schedule.end_minute)
    if default <= current and default.date() == current.date():
        if start:
            return moment
        default = local.replace(hour=23, minute=59, second=0, microsecond=0)
    return default.astimezone(ZoneInfo("UTC"))


def at_minute(day: datetime, minute: int) -> datetime:
    """`day` (a local moment) at a working day's minute: 24:00 is 23:59 of that day, and
    a night shift's end past midnight (22:00-06:00 ends at minute 1800) the next morning's."""
    if minute == 24 * 60:
        minute = LAST_MINUTE
    moment = day.replace(hour=minute % 1440 // 60, minute=minute % 60, second=0, microsecond=0)
    return moment + timedelta(days=minute // 1440)


def clock(minute: int) -> str:
    """A minute of the day as people read it: 18:00, 24:00 as 23:59, a night shift's
    06:00 the next morning as 06:00."""
    minute = LAST_MINUTE if minute == 24 * 60 else minute % 1440
    return f"{minute // 60:02d}:{minute % 60:02d}"


def quick_deadline(
    code: str, tz: str, now: datetime | None = None, *, schedule: Schedule | None = None
) -> datetime | None:
    """td: today, tm: tomorrow, wk: Friday this week, each at the end of the person's
    working day (`schedule`, see workday_of); no: none. Days count from the working day
    that is on: in the small hours of a night shift (03:00 of 22:00-06:00) today is the
    shift that began last evening, and it ends this morning. A team's holiday or an
    absence gives the next working day; the end of the week is its last working day
    then (Thursday when Friday is a holiday)."""
    schedule = schedule or Schedule()
    zone = ZoneInfo(tz)
    local = (now or utcnow()).astimezone(zone)
    today = shift_date(schedule, local, tz)
    if code == "no":
        return None
    if code not in ("td", "tm", "wk"):
        raise DomainError(_N("This button is out of date. Open the list again."))
    end = schedule.end_minute
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    while True:  # a week whose last working day is over: the next week's
        day = quick_day(code, today, friday, schedule)
        moment = at_minute(datetime(day.year, day.month, day.day, tzinfo=zone), end)
        if code != "wk" or moment >= local:
            break
        friday += timedelta(days=7)
    if code == "td" and moment <= local:  # an old button, pressed after the working day
        raise DomainError(
            _N("It is past {time} today. Choose Tomorrow or type a date."), time=clock(end)
        )
    return moment.astimezone(ZoneInfo("UTC"))


def quick_day(code: str, today: date, friday: date, schedule: Schedule) -> date:
    """The day a quick deadline names: today or tomorrow (the next working day when a
    team's holiday or an absence takes it), or `friday`, else the week's last working
    day before it."""
    if code == "wk":
        if schedule.deadline_day(friday) == friday:
            return friday
        last = schedule.working_day_from(friday, -1)
        return last if last >= today else schedule.working_day_from(friday)
    return schedule.deadline_day(today + timedelta(days=code == "tm"))


def today_still_open(
    tz: str, now: datetime | None = None, *, schedule: Schedule | None = None
) -> bool:
    """Whether the end of today's working day (`schedule`'s, the running night shift's
    in its small hours) is still ahead in the person's zone, and today is no team's
    holiday nor an absence (the Today button is offered)."""
    schedule = schedule or Schedule()
    local = (now or utcnow()).astimezone(ZoneInfo(tz))
    day = shift_date(schedule, local, tz)
    if schedule.deadline_day(day) != day:
        return False
    start = datetime(day.year, day.month, day.day, tzinfo=local.tzinfo)
    return at_minute(start, schedule.end_minute) > local


async def days_of(ctx: Ctx, user_id: int | None) -> tuple[Schedule, str]:
    """Whose working days a quick deadline follows: the task's responsible's (`user_id`:
    it is their work), with their absences, their team's days off and their zone; the
    actor's own without one (or for a person not of their team)."""
    if user_id is not None and user_id != ctx.me.user_id:
        person = await db.get(ctx.session, User, user_id)
        if person is not None and person.team_id == ctx.me.team_id:
            return await schedule_of(ctx.session, person), person.timezone
    return await schedule_of_actor(ctx), ctx.me.timezone


async def pressed_deadline(ctx: Ctx, code: str, user_id: int | None = None) -> datetime | None:
    """A quick deadline button pressed: the day at the end of the working day of the
    task's responsible (`user_id`, see days_of), not of whoever pressed it."""
    if code == "no":
        return None
    schedule, zone = await days_of(ctx, user_id)
    return quick_deadline(code, zone, schedule=schedule)


async def quick_picks(ctx: Ctx, user_id: int | None = None) -> list[tuple[str, str]]:
    """The quick deadlines offered now, (label, code), by the working days of the task's
    responsible (`user_id`, see days_of): Today (while their working day lasts, its end
    said in the reader's zone), Tomorrow (the next working day, named, when a team's
    holiday or an absence takes tomorrow), End of week."""
    schedule, zone = await days_of(ctx, user_id)
    now = utcnow()
    today = []
    end = (
        quick_deadline("td", zone, now, schedule=schedule)
        if today_still_open(zone, now, schedule=schedule)
        else None
    )
    if end is not None:  # its end in the reader's own zone: as the card will show it
        time = f"{end.astimezone(ZoneInfo(ctx.me.timezone)):%H:%M}"
        today.append((ctx.tr.s("Today {time}", time=time), "td"))
    tomorrow = shift_date(schedule, now, zone) + timedelta(days=1)
    after = quick_day("tm", tomorrow - timedelta(days=1), tomorrow, schedule)
    label = (
        ctx.tr.s("Tomorrow")
        if after == tomorrow
        else ctx.tr.s("Next working day, {date}", date=ctx.tr.day(after))
    )
    return [*today, (label, "tm"), (ctx.tr.s("End of week"), "wk")]


async def parse_deadline(ctx: Ctx, raw: str) -> str | None:
    value = raw.strip()
    if value.casefold() in NONE_WORDS or value == ctx.tr.s("No deadline"):
        return None
    if value.startswith("q:"):
        moment = await pressed_deadline(ctx, value[2:], await _responsible_asked(ctx))
        return moment.isoformat() if moment else None
    value = ranges_to_ends(normalize_dates(value, ctx.me.locale))
    moment = parse_when(value, ctx.me.locale, ctx.me.timezone)
    return (await at_working_time(ctx, moment, value)).isoformat()


async def deadline_choices(ctx: Ctx) -> list[tuple[str, str]]:
    picks = [
        (label, f"q:{code}")
        for label, code in await quick_picks(ctx, await _responsible_asked(ctx))
    ]
    return [*picks, (ctx.tr.s("No deadline"), "-")]


async def _responsible_asked(ctx: Ctx) -> int | None:
    """The responsible of the task a form asks the deadline of: the one answered in the
    New task form, or the task's whose deadline is changed; None in other forms (a
    project's deadline: the asker's days)."""
    answers = ctx.form_answers
    if answers.get("responsible") is not None:
        return int(answers["responsible"])
    if answers.get("task_id") is not None:
        task = await tasks.get_task(ctx.session, ctx.me, int(answers["task_id"]))
        return task.responsible_id
    return None


def as_moment(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


# -- people -------------------------------------------------------------------


async def parse_person(ctx: Ctx, raw: str) -> int:
    if raw.strip().casefold() in ME_WORDS:
        return ctx.me.user_id
    return await person_field(ctx, raw)


async def person_choices(ctx: Ctx) -> list[tuple[str, str]]:
    """Candidates saved with the dialog (an ambiguous or unknown @name), then "me"."""
    ev = ctx.event
    state = await get_dialog(ctx.session, ev.platform, ev.chat.chat_id, ev.sender.external_id)
    values = state.data.get("values", {}) if state else {}
    out = [(str(name), person_answer(uid)) for name, uid in values.get("_cands", [])]
    out.append((ctx.tr.s("Me"), "me"))
    return out


async def candidates(ctx: Ctx, token: str) -> list[User]:
    """People whose name is close to a misspelt one."""
    rows = (
        (await ctx.session.execute(visible_people(ctx.me).order_by(User.name).limit(500)))
        .scalars()
        .all()
    )
    by_name = {u.name.casefold(): u for u in rows}
    close = difflib.get_close_matches(token.casefold(), list(by_name), n=5, cutoff=0.5)
    return [by_name[name] for name in close]


async def resolve_group(ctx: Ctx, name: str) -> int:
    """The group a list or chart is asked for (/tasks #Sales): an archived one too."""
    found = await groups.find_groups(ctx.session, ctx.me, name, to_read=True)
    exact = [g for g in found if g.name_key == groups.name_key(name)]
    if exact:
        return exact[0].id
    if len(found) == 1:
        return found[0].id
    if not found:
        raise DomainError(_N("There is no group called “{name}”."), name=name)
    names = ", ".join(g.name for g in found)
    raise DomainError(_N("Several groups match: {names}. Type the full name."), names=names)
